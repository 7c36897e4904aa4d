import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { errorPage } from "./error-page.ts";
import type { WorkerProcess } from "./worker-process.ts";

export interface ForwardInput {
  readonly worker: WorkerProcess;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly requestId: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

/** Hop-by-hop headers belong to one connection and are never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
]);

/** Lambda's maximum run time: a streaming response is cut there on AWS too. */
const MAX_RESPONSE_MS = 15 * 60_000;

export function stripHopByHop(headers: http.IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(key)) out[key] = value;
  return out;
}

/**
 * Sends one request to a worker and streams its answer back chunk by chunk. Every way it can go
 * wrong ends the response: worker died → 502, too slow → 504, body too big → 413 (each naming
 * the request id); if the response had already started, the connection is cut instead.
 */
export function forward(input: ForwardInput): Promise<{ status: number; bytes: number }> {
  const { worker, req, res, requestId } = input;
  return new Promise((resolve) => {
    let bytes = 0;
    let status = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stopWatchingExit();
      worker.inflight--;
      worker.lastUsed = Date.now();
      resolve({ status, bytes });
    };
    const fail = (code: number, message: string) => {
      if (done) return;
      req.unpipe(upstream);
      req.resume(); // drain what the client still sends, so the error response can be read
      upstream.destroy();
      if (!res.headersSent) {
        status = code;
        const body = errorPage(code, message, requestId);
        res.writeHead(code, {
          "content-type": "text/html; charset=utf-8",
          "content-length": body.length,
          "x-request-id": requestId,
        });
        res.end(body);
        bytes = body.length;
      } else {
        res.destroy();
      }
      finish();
    };

    let upstream: http.ClientRequest;
    try {
      upstream = http.request({
        socketPath: worker.socketPath,
        agent: worker.agent,
        method: req.method,
        path: req.url,
        headers: stripHopByHop(input.headers),
      });
    } catch (error) {
      // e.g. a header value Node refuses to send: the client's fault, and no worker was touched.
      const body = errorPage(400, `Bad request: ${error instanceof Error ? error.message : String(error)}`, requestId);
      if (!res.headersSent)
        res.writeHead(400, { "content-type": "text/html; charset=utf-8", "x-request-id": requestId });
      res.end(body);
      return resolve({ status: 400, bytes: body.length });
    }
    worker.inflight++;
    worker.lastUsed = Date.now();
    // Past the timeout the worker is retired: it may be spinning on this request, and the next
    // request must get a fresh worker instead of queueing behind it.
    const timedOut = (message: string) => {
      fail(504, message);
      worker.retire("timeout");
    };
    let timer = setTimeout(() => timedOut("The function did not answer in time."), input.timeoutMs);
    // The process dying is the surest crash signal: do not wait for socket errors.
    const stopWatchingExit = worker.onExit(() => fail(502, "The function crashed while handling this request."));

    upstream.on("response", (answer) => {
      status = answer.statusCode ?? 502;
      // The timeout is for starting an answer; a response that streams (SSE, long downloads) may
      // go on up to Lambda's own limit, so the same app behaves alike on both targets.
      clearTimeout(timer);
      timer = setTimeout(() => timedOut("The function's response exceeded the maximum duration."), MAX_RESPONSE_MS);
      // No flushHeaders(): Node sends the headers with the first body chunk, one write instead of
      // two; the worker already flushed its headers, so streamed bodies are not held back.
      res.writeHead(status, { ...stripHopByHop(answer.headers), "x-request-id": requestId });
      answer.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      answer.pipe(res);
      answer.on("end", finish);
      answer.on("error", () => fail(502, "The function's response was cut off."));
    });
    upstream.on("error", () => fail(502, "The function could not be reached or crashed."));
    res.on("close", () => {
      // Client went away: stop the work on its behalf.
      if (!res.writableFinished) upstream.destroy();
      finish();
    });

    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > input.maxBodyBytes) fail(413, `The request body is larger than ${input.maxBodyBytes} bytes.`);
    });
    req.pipe(upstream);
  });
}
