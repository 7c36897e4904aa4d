import { Writable } from "node:stream";

// The Lambda runtime's response-streaming API, reimplemented for a plain HTTP server. OpenNext's
// `aws-lambda-streaming` wrapper calls `awslambda.streamifyResponse(fn)` at import time and
// writes to the stream: a JSON prelude (status, headers, cookies), 8 zero bytes, then the body.

const PRELUDE_END = Buffer.alloc(8);

/** Installs `globalThis.awslambda`. The handler it returns expects `context.responseStream`. */
export function installLambdaShim() {
  globalThis.awslambda = {
    streamifyResponse(fn) {
      const streamed = (event, context) => fn(event, context.responseStream, context);
      streamed.streaming = true;
      return streamed;
    },
    HttpResponseStream: {
      from(stream, metadata) {
        stream.setContentType?.("application/vnd.awslambda.http-integration-response");
        stream.write(JSON.stringify(metadata ?? {}));
        stream.write(PRELUDE_END);
        return stream;
      },
    },
  };
}

/**
 * A Writable that parses the prelude once, then streams the body chunks into `res` as they come
 * (no buffering: streaming SSR must reach the client in pieces). Backpressure follows `res`.
 * @param {import("node:http").ServerResponse} res
 */
export function createResponseSink(res) {
  let pending = Buffer.alloc(0);
  let started = false;
  let touched = false;
  const sink = new Writable({
    write(chunk, encoding, callback) {
      touched = true;
      let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding);
      if (!started) {
        pending = Buffer.concat([pending, data]);
        // JSON.stringify never emits a raw NUL byte, so the first 8 zeros end the prelude.
        const at = pending.indexOf(PRELUDE_END);
        if (at < 0) return callback();
        writeHead(res, JSON.parse(pending.subarray(0, at).toString("utf8")));
        started = true;
        data = pending.subarray(at + PRELUDE_END.length);
        pending = Buffer.alloc(0);
        if (data.length === 0) return callback();
      }
      if (res.write(data)) callback();
      else res.once("drain", () => callback());
    },
    final(callback) {
      touched = true;
      if (!started && !res.headersSent) res.writeHead(pending.length > 0 ? 200 : 204);
      res.end(started ? undefined : pending, () => callback());
    },
  });
  sink.setContentType = () => {};
  Object.defineProperty(sink, "started", { get: () => started || res.headersSent });
  // Anything written or ended: the function has taken charge of the response.
  Object.defineProperty(sink, "touched", { get: () => touched });
  return sink;
}

/** @param {import("node:http").ServerResponse} res */
function writeHead(res, prelude) {
  const headers = {};
  const encoding = String(prelude.headers?.["content-encoding"] ?? "identity");
  for (const [key, value] of Object.entries(prelude.headers ?? {})) {
    const name = key.toLowerCase();
    // The wrapper labels uncompressed bodies "identity"; browsers expect the header absent.
    if (name === "content-encoding" && value === "identity") continue;
    // The wrapper compresses after the app set content-length (e.g. cached pages): that length
    // is the uncompressed one and would make clients wait for bytes that never come.
    if (name === "content-length" && encoding !== "identity") continue;
    headers[key] = value;
  }
  if (Array.isArray(prelude.cookies) && prelude.cookies.length > 0) headers["set-cookie"] = prelude.cookies;
  res.writeHead(prelude.statusCode ?? 200, headers);
  // A streamed body may not produce its first chunk for a while, so the headers must not wait
  // for it. But flushing at once costs a syscall per response (a quarter of a route handler's
  // CPU here): most bodies arrive within the tick, so flush only if nothing was written by then.
  setImmediate(() => {
    if (!res.headersSent && !res.writableEnded) res.flushHeaders();
  });
}

/** Writes a buffered (non-streaming) API Gateway v2 result, e.g. from the image function. */
export function writeBufferedResult(res, result) {
  const headers = { ...(result.headers ?? {}) };
  if (Array.isArray(result.cookies) && result.cookies.length > 0) headers["set-cookie"] = result.cookies;
  const body =
    typeof result.body === "string"
      ? Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8")
      : Buffer.alloc(0);
  headers["content-length"] = String(body.length);
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}
