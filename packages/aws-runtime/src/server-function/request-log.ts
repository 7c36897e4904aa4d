import type { ResponseStream } from "./lambda-streaming.ts";

/**
 * The request log on AWS: one JSON line per request on stdout, which Lambda sends to the site's
 * log group with the function's console output (no extra call, no extra service). Lambda's text
 * format prefixes console.* lines with time, request id and level but leaves raw stdout alone, so
 * the line arrives as written and the CloudWatch reader (telemetry/cloudwatch-reader.ts) parses
 * it. The deployment is not in the line: the reader takes it from the log stream's name, which
 * Lambda sets and the app cannot forge. The query string is left out (it may carry tokens).
 */
export const REQUEST_LINE_TAG = "request";

export interface RequestLine {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** Body bytes sent (the function URL prelude not counted). */
  readonly bytes: number;
  readonly coldStart: boolean;
}

export function formatRequestLine(line: RequestLine): string {
  return `${JSON.stringify({ slipway: REQUEST_LINE_TAG, ...line })}\n`;
}

/** Lambda's function URL event (payload 2.0), only what the line needs; anything may be missing. */
interface UrlEvent {
  rawPath?: unknown;
  requestContext?: { http?: { method?: unknown } };
}

export function requestOf(event: unknown): { method: string; path: string } {
  const e = (event ?? {}) as UrlEvent;
  const method = e.requestContext?.http?.method;
  return {
    method: typeof method === "string" ? method.slice(0, 16) : "-",
    path: typeof e.rawPath === "string" ? e.rawPath.slice(0, 2048) : "-",
  };
}

const PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DELIMITER = Buffer.alloc(8);
const MAX_PRELUDE = 64 * 1024;

/** The status and body bytes of a streamed response, read off the stream as it is written. */
export interface ResponseMeter {
  status(): number;
  bytes(): number;
}

/**
 * Counts what goes through `stream` by shadowing its own write/end/setContentType (the runtime's
 * stream object is kept: Lambda reads from it). After `HttpResponseStream.from` sets the
 * integration content type, the bytes up to 8 NULs are the prelude (JSON with the status); the
 * rest is the body. A prelude that is not JSON leaves the status at 200: it is only logged.
 */
export function meterResponse(stream: ResponseStream): ResponseMeter {
  let status = 200;
  let bytes = 0;
  let inPrelude = false;
  let head = Buffer.alloc(0);

  function observe(chunk: unknown, encoding?: unknown): void {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    const data =
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array);
    if (!inPrelude) {
      bytes += data.length;
      return;
    }
    head = Buffer.concat([head, data]);
    const at = head.indexOf(DELIMITER);
    if (at < 0) {
      if (head.length > MAX_PRELUDE) inPrelude = false;
      return;
    }
    inPrelude = false;
    try {
      const prelude = JSON.parse(head.subarray(0, at).toString("utf8")) as { statusCode?: unknown };
      if (Number.isInteger(prelude.statusCode)) status = prelude.statusCode as number;
    } catch {
      // not ours to judge: the response goes out as written
    }
    bytes += head.length - at - DELIMITER.length;
  }

  const write = stream.write.bind(stream);
  const end = stream.end.bind(stream);
  const setContentType = stream.setContentType.bind(stream);
  Object.assign(stream, {
    setContentType(type: string) {
      if (type === PRELUDE_CONTENT_TYPE) {
        inPrelude = true;
        head = Buffer.alloc(0);
      }
      setContentType(type);
    },
    write(chunk: unknown, ...rest: unknown[]) {
      observe(chunk, rest[0]);
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    },
    end(...args: unknown[]) {
      observe(args[0], args[1]);
      return (end as (...args: unknown[]) => unknown)(...args);
    },
  });
  return { status: () => status, bytes: () => bytes };
}

type StreamingHandler = (event: unknown, responseStream: ResponseStream, context: unknown) => Promise<unknown>;
type BufferedHandler = (event: unknown, context: unknown) => Promise<unknown>;
export type LineWriter = (line: string) => void;

const toStdout: LineWriter = (line) => {
  process.stdout.write(line);
};

function requestIdOf(context: unknown): string {
  const id = (context as { awsRequestId?: unknown } | undefined)?.awsRequestId;
  return typeof id === "string" ? id.slice(0, 64) : "-";
}

/**
 * Wraps a streamed handler: one request line when the response stream finishes (or fails), the
 * first request of this execution environment marked as its cold start. A handler that throws is
 * logged as a 500 (Lambda answers 502 to the function URL, but the request reached the app).
 */
export function withRequestLog(handler: StreamingHandler, out: LineWriter = toStdout): StreamingHandler {
  let cold = true;
  return async (event, responseStream, context) => {
    const started = performance.now();
    const coldStart = cold;
    cold = false;
    const meter = meterResponse(responseStream);
    let logged = false;
    const log = (status: number) => {
      if (logged) return;
      logged = true;
      out(
        formatRequestLine({
          requestId: requestIdOf(context),
          ...requestOf(event),
          status,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          bytes: meter.bytes(),
          coldStart,
        }),
      );
    };
    responseStream.once("finish", () => log(meter.status()));
    responseStream.once("error", () => log(500));
    try {
      return await handler(event, responseStream, context);
    } catch (error) {
      log(500);
      throw error;
    }
  };
}

/** The same line for a buffered handler (the image function): status and body length from its result. */
export function withBufferedRequestLog(handler: BufferedHandler, out: LineWriter = toStdout): BufferedHandler {
  let cold = true;
  return async (event, context) => {
    const started = performance.now();
    const coldStart = cold;
    cold = false;
    const line = (status: number, bytes: number) =>
      out(
        formatRequestLine({
          requestId: requestIdOf(context),
          ...requestOf(event),
          status,
          durationMs: Math.round((performance.now() - started) * 100) / 100,
          bytes,
          coldStart,
        }),
      );
    try {
      const result = (await handler(event, context)) as {
        statusCode?: unknown;
        body?: unknown;
        isBase64Encoded?: unknown;
      };
      const body = typeof result?.body === "string" ? result.body : "";
      const bytes = result?.isBase64Encoded === true ? Buffer.from(body, "base64").length : Buffer.byteLength(body);
      line(Number.isInteger(result?.statusCode) ? (result.statusCode as number) : 200, bytes);
      return result;
    } catch (error) {
      line(500, 0);
      throw error;
    }
  };
}
