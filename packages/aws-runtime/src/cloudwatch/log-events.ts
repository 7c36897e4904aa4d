import { type ErrorEvent, errorMessageOf, type LogLevel, type TelemetryEntry } from "@slipway/core";
import type { SiteFunctionKind } from "../deployer/names.ts";
import { REQUEST_LINE_TAG } from "../server-function/request-log.ts";

/**
 * Turning a site log group's events (FilterLogEvents) into the telemetry routes' entries. What
 * a function prints is untrusted: a line that does not parse is a plain log line, never a request
 * or an error with made-up fields. Which deployment wrote a line comes from its log stream's name,
 * which Lambda sets (`YYYY/MM/DD/<function name>[<version>]<environment id>`), not from the line.
 */

/** A CloudWatch Logs event as FilterLogEvents returns it (any field may be missing). */
export interface LogEvent {
  readonly logStreamName?: string;
  readonly timestamp?: number;
  readonly message?: string;
  readonly eventId?: string;
}

/** Which deployment a site function belongs to and what it is, by function name (site-functions.ts). */
export type FunctionOwners = ReadonlyMap<string, { readonly deploymentId: string; readonly kind: SiteFunctionKind }>;

/**
 * The routes' cursor (`seq`, at most 15 digits) from CloudWatch's event: its time in ms times 100
 * plus two digits of its event id's hash. Growing with time, the same for the same event on every
 * read, so a tail resumes after the last event it sent. Two events of one site in the same
 * millisecond whose ids hash alike share a seq (a tail could skip the second): 1 in 100 such pairs.
 */
export const SEQ_PER_MS = 100;

export function seqOf(timestamp: number, eventId: string): number {
  let hash = 2166136261;
  for (let i = 0; i < eventId.length; i++) hash = Math.imul(hash ^ eventId.charCodeAt(i), 16777619);
  return timestamp * SEQ_PER_MS + ((hash >>> 0) % SEQ_PER_MS);
}

export const timeOfSeq = (seq: number): number => Math.floor(seq / SEQ_PER_MS);

const STREAM = /^\d{4}\/\d{2}\/\d{2}\/([A-Za-z0-9_-]{1,64})\[/;

export function functionOfStream(stream: string): string | null {
  return STREAM.exec(stream)?.[1] ?? null;
}

/** Lambda's own lines (START, END, REPORT, …): the runtime's, not the app's output. */
const PLATFORM =
  /^(START|END|REPORT|INIT_START|INIT_REPORT|INIT_RUNTIME_DONE|EXTENSION|TELEMETRY|RESTORE_START|RESTORE_REPORT) /;
/** What the Node runtime puts before console.* output in the text format: time, request id, level. */
const CONSOLE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\t([^\t]{0,80})\t(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\t/;
const LEVELS: Record<string, LogLevel> = {
  TRACE: "debug",
  DEBUG: "debug",
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "error",
};
const MAX_TEXT = 16 * 1024;

export interface ParsedRequest {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly bytes: number;
  readonly coldStart: boolean;
}

/** The entry's request line (request-log.ts), checked field by field; anything else is null. */
export function parseRequestLine(message: string): ParsedRequest | null {
  if (!message.startsWith(`{"slipway":"${REQUEST_LINE_TAG}"`) || message.length > 8192) return null;
  let line: Record<string, unknown>;
  try {
    line = JSON.parse(message) as Record<string, unknown>;
  } catch {
    return null;
  }
  const { requestId, method, path, status, durationMs, bytes, coldStart } = line;
  if (typeof requestId !== "string" || requestId.length > 64) return null;
  if (typeof method !== "string" || !/^[A-Z-]{1,16}$/.test(method)) return null;
  if (typeof path !== "string" || path.length > 2048) return null;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) return null;
  if (typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs < 0) return null;
  if (!Number.isSafeInteger(bytes) || (bytes as number) < 0) return null;
  if (typeof coldStart !== "boolean") return null;
  return { requestId, method, path, status: status as number, durationMs, bytes: bytes as number, coldStart };
}

interface Located {
  readonly seq: number;
  readonly at: string;
  readonly projectId: string;
  readonly deploymentId: string;
  readonly kind: SiteFunctionKind;
  readonly message: string;
}

function locate(event: LogEvent, projectId: string, owners: FunctionOwners): Located | null {
  const { logStreamName, timestamp, message, eventId } = event;
  if (typeof logStreamName !== "string" || typeof message !== "string" || typeof eventId !== "string") return null;
  if (!Number.isSafeInteger(timestamp) || (timestamp as number) < 0) return null;
  const name = functionOfStream(logStreamName);
  const owner = name ? owners.get(name) : undefined;
  if (!owner) return null;
  return {
    seq: seqOf(timestamp as number, eventId),
    at: new Date(timestamp as number).toISOString(),
    projectId,
    deploymentId: owner.deploymentId,
    kind: owner.kind,
    message: message.replace(/\r?\n$/, ""),
  };
}

/** One event as a request or log entry; null for Lambda's own lines and streams of other functions. */
export function toEntry(event: LogEvent, projectId: string, owners: FunctionOwners): TelemetryEntry | null {
  const found = locate(event, projectId, owners);
  if (!found || PLATFORM.test(found.message)) return null;
  const { seq, at, deploymentId, message } = found;
  const request = parseRequestLine(message);
  if (request) {
    return {
      kind: "request",
      seq,
      at,
      projectId,
      deploymentId,
      ...request,
      // An edge route's function runs the server entry: a function answer like the server's.
      servedBy: found.kind === "image" ? "image" : "function",
      // CloudFront's cache and the client's address are not what the function sees.
      cache: null,
      clientIp: "-",
    };
  }
  const prefix = CONSOLE.exec(message);
  const requestId = prefix?.[1] && prefix[1] !== "undefined" ? prefix[1] : null;
  return {
    kind: "log",
    seq,
    at,
    projectId,
    deploymentId,
    requestId,
    level: prefix ? (LEVELS[prefix[2] as string] ?? "info") : "info",
    text: (prefix ? message.slice(prefix[0].length) : message).slice(0, MAX_TEXT),
  };
}

/** Lambda's report of an uncaught exception: `Uncaught Exception \t{"errorType",…,"stack":[…]}`. */
function runtimeError(text: string): { message: string; stack: string } | null {
  const at = text.indexOf('{"errorType"');
  if (at < 0 || !/^(Uncaught Exception|Unhandled Promise Rejection|Invoke Error)/.test(text)) return null;
  try {
    const error = JSON.parse(text.slice(at)) as { errorType?: unknown; errorMessage?: unknown; stack?: unknown };
    const stack = Array.isArray(error.stack) ? error.stack.filter((l) => typeof l === "string").join("\n") : "";
    const head = `${String(error.errorType ?? "Error")}: ${String(error.errorMessage ?? "")}`;
    return { message: errorMessageOf(stack || head), stack: (stack || head).slice(0, MAX_TEXT) };
  } catch {
    return null;
  }
}

/**
 * An event as an error, as the local recorder records them: an exception the function logged with
 * its stack (console.error(error), or the runtime's uncaught exception), or a 5xx request line
 * (grouped as `HTTP 500 GET /path`); anything else is not an error.
 */
export function toErrorEvent(event: LogEvent, projectId: string, owners: FunctionOwners): ErrorEvent | null {
  const entry = toEntry(event, projectId, owners);
  if (!entry) return null;
  const base = { at: entry.at, projectId, deploymentId: entry.deploymentId };
  if (entry.kind === "request") {
    if (entry.status < 500) return null;
    return {
      ...base,
      requestId: entry.requestId,
      message: `HTTP ${entry.status} ${entry.method} ${entry.path}`,
      stack: null,
    };
  }
  if (entry.level !== "error") return null;
  const runtime = runtimeError(entry.text);
  if (runtime) return { ...base, requestId: entry.requestId, ...runtime };
  if (!/\n\s+at /.test(entry.text)) return null;
  return { ...base, requestId: entry.requestId, message: errorMessageOf(entry.text), stack: entry.text };
}
