import type { LogLine } from "@slipway/core";

/**
 * A build log line as the builder prints it to CodeBuild's log (one JSON object per line, marked
 * so that CodeBuild's own `[Container]` lines are told apart). The watch step copies these into
 * the LogStore (codebuild/log-copy.ts).
 */
export const LOG_MARK = "slipway.log";

export function formatLogLine(line: Omit<LogLine, "seq">): string {
  return JSON.stringify({ [LOG_MARK]: 1, at: line.at, stream: line.stream, text: line.text });
}

/** The line printed by `formatLogLine`, or null for anything else (CodeBuild's lines, forgeries of another shape). */
export function parseLogLine(printed: string): Omit<LogLine, "seq"> | null {
  if (!printed.startsWith(`{"${LOG_MARK}":1,`)) return null;
  try {
    const value = JSON.parse(printed) as Record<string, unknown>;
    const { at, stream, text } = value;
    if (typeof at !== "string" || typeof text !== "string") return null;
    if (stream !== "stdout" && stream !== "stderr" && stream !== "system") return null;
    return { at, stream, text };
  } catch {
    return null;
  }
}
