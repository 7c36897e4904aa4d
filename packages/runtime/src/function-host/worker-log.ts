import type { LogLevel } from "@slipway/core";

/** Written by worker.mjs before each console call's JSON record (kept in step by hand: plain .mjs). */
export const WORKER_LOG_MARK = "\u0001slipway-log\u0001";

export interface WorkerLogLine {
  readonly requestId: string | null;
  readonly level: LogLevel;
  readonly text: string;
  readonly stack: string | null;
}

const LEVELS: ReadonlySet<string> = new Set(["debug", "info", "warn", "error"]);
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One line of a worker's stdout or stderr. The app writes these lines, so a tagged line is checked
 * field by field; anything else (untagged output, a malformed record) is kept as plain text at the
 * stream's level, never dropped.
 */
export function parseWorkerLine(stream: "stdout" | "stderr", line: string): WorkerLogLine {
  const plain: WorkerLogLine = {
    requestId: null,
    level: stream === "stderr" ? "error" : "info",
    text: line,
    stack: null,
  };
  if (!line.startsWith(WORKER_LOG_MARK)) return plain;
  let record: unknown;
  try {
    record = JSON.parse(line.slice(WORKER_LOG_MARK.length));
  } catch {
    return { ...plain, text: line.slice(WORKER_LOG_MARK.length) };
  }
  if (typeof record !== "object" || record === null) return plain;
  const { r, l, t, s } = record as Record<string, unknown>;
  return {
    requestId: typeof r === "string" && REQUEST_ID.test(r) ? r : null,
    level: typeof l === "string" && LEVELS.has(l) ? (l as LogLevel) : plain.level,
    text: typeof t === "string" ? t : "",
    stack: typeof s === "string" ? s : null,
  };
}
