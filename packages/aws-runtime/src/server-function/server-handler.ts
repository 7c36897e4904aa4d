import { createMasker } from "@slipway/core/mask";
import { installAwsBackends } from "./aws-backends.ts";
import { applyServerEnv, type ServerEnv } from "./env-snapshot.ts";
import { awslambda, type StreamingHandler } from "./lambda-streaming.ts";
import { takeOriginSecret } from "./origin-secret.ts";
import { type MaskedOutputs, maskOutput } from "./output-mask.ts";
import { withRequestLog } from "./request-log.ts";

export interface ServerHandlerOptions {
  /** The value CloudFront sends in the origin secret header. */
  readonly originSecret: string;
  /** The deployment's sealed environment (on Lambda: S3 and KMS, env-snapshot.ts). */
  readonly loadEnv: () => Promise<ServerEnv>;
  /** OpenNext's handler module, `./index.mjs` beside the entry. */
  readonly openNextUrl: string;
  /** Where the app's output is masked: the process's console and streams unless given. */
  readonly outputs?: MaskedOutputs;
}

/**
 * The server function's handler (entry.ts wires it on Lambda). Per request: refuse what did not
 * come through CloudFront (403), strip the secret header. Once per cold start, before the first
 * request reaches the app: load the deployment's sealed environment, mask its secret values in
 * everything the function prints from then on, set its variables in `process.env`, then import
 * OpenNext's handler (its overrides read their env when first used, and the app reads its own).
 */
export function createServerHandler(options: ServerHandlerOptions): StreamingHandler {
  let masking = false;

  async function start(): Promise<StreamingHandler> {
    const { env, mask } = await options.loadEnv();
    // Before the app's code is even loaded: a module that logs its config at import is masked too.
    if (!masking) {
      maskOutput(createMasker(mask), options.outputs);
      masking = true;
    }
    const skipped = applyServerEnv(env);
    if (skipped.length > 0) console.warn(`[slipway] env snapshot: kept the function's own ${skipped.join(", ")}`);
    installAwsBackends();
    const openNext = (await import(options.openNextUrl)) as { handler: StreamingHandler };
    return openNext.handler;
  }

  function begin(): Promise<StreamingHandler> {
    const starting = start();
    starting.catch(() => {}); // awaited by the handler; no unhandled rejection before the first request
    return starting;
  }

  /** Started at once (Lambda gives init its full CPU), awaited by the first request. */
  let started = begin();

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
  return awslambda().streamifyResponse(
    withRequestLog(async (event, responseStream, context) => {
      if (!takeOriginSecret(event as { headers?: Record<string, string | undefined> }, options.originSecret)) {
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
}
