import { installAwsBackends } from "./aws-backends.ts";
import { parseOriginSecret, parseSnapshotLocation } from "./entry-env.ts";
import { applyServerEnv, loadServerEnv } from "./env-snapshot.ts";
import { awslambda, type StreamingHandler } from "./lambda-streaming.ts";
import { takeOriginSecret } from "./origin-secret.ts";
import { withRequestLog } from "./request-log.ts";

/**
 * The server function's Lambda entry (`slipway-lambda.handler`), bundled into `slipway-lambda.mjs`
 * beside OpenNext's `index.mjs`, which it wraps without changing it (the local host runs the same
 * `index.mjs` directly). Per request: refuse what did not come through CloudFront (403), strip
 * the secret header. Once per cold start, before the first request reaches the app: load the
 * deployment's sealed environment into `process.env`, then import OpenNext's handler (its
 * overrides read their env when first used, and the app reads its own). Each edge-runtime route's
 * function runs this entry too, around its own OpenNext edge bundle (site-function-plan.ts).
 */
const originSecret = parseOriginSecret(process.env);
const snapshot = parseSnapshotLocation(process.env);
const OPEN_NEXT_HANDLER = new URL("./index.mjs", import.meta.url).href;

/** Started at init (Lambda gives init its full CPU), awaited by the first request. */
let started = begin();

function begin(): Promise<StreamingHandler> {
  const starting = start();
  starting.catch(() => {}); // awaited by the handler; no unhandled rejection before the first request
  return starting;
}

async function start(): Promise<StreamingHandler> {
  const skipped = applyServerEnv(await loadServerEnv(snapshot));
  if (skipped.length > 0) console.warn(`[slipway] env snapshot: kept the function's own ${skipped.join(", ")}`);
  installAwsBackends();
  const openNext = (await import(OPEN_NEXT_HANDLER)) as { handler: StreamingHandler };
  return openNext.handler;
}

/** A failed start (KMS throttled, S3 unreachable) is tried again by the next request. */
async function ready(): Promise<StreamingHandler> {
  try {
    return await started;
  } catch {
    started = begin();
    return started;
  }
}

/** Every request, refused ones included, gets its line in the request log (request-log.ts). */
export const handler = awslambda().streamifyResponse(
  withRequestLog(async (event, responseStream, context) => {
    if (!takeOriginSecret(event as { headers?: Record<string, string | undefined> }, originSecret)) {
      const stream = awslambda().HttpResponseStream.from(responseStream, {
        statusCode: 403,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" },
      });
      stream.end("Forbidden: requests reach this function through its CloudFront distribution only.\n");
      return;
    }
    const openNext = await ready();
    return openNext(event, responseStream, context);
  }),
);
