import { installAwsBackends } from "./aws-backends.ts";
import { parseOriginSecret } from "./entry-env.ts";
import { takeOriginSecret } from "./origin-secret.ts";
import { withBufferedRequestLog } from "./request-log.ts";

/**
 * The image function's Lambda entry (`slipway-image-lambda.handler`), bundled into
 * `slipway-image-lambda.mjs` beside OpenNext's image `index.mjs`: the same origin check as the
 * server function's, and OpenNext's S3 loader for the originals. Buffered (OpenNext's image
 * function answers with one API Gateway v2 result), so its function URL is `BUFFERED`.
 */
type BufferedHandler = (event: unknown, context: unknown) => Promise<unknown>;

const originSecret = parseOriginSecret(process.env);
const OPEN_NEXT_HANDLER = new URL("./index.mjs", import.meta.url).href;

installAwsBackends();
const openNext = (await import(OPEN_NEXT_HANDLER)) as { handler: BufferedHandler };

export const handler = withBufferedRequestLog(async (event: unknown, context: unknown): Promise<unknown> => {
  if (!takeOriginSecret(event as { headers?: Record<string, string | undefined> }, originSecret)) {
    return {
      statusCode: 403,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" },
      body: "Forbidden: requests reach this function through its CloudFront distribution only.\n",
      isBase64Encoded: false,
    };
  }
  return openNext.handler(event, context);
});
