import { ENV_TOTAL_MAX_BYTES, SlipwayError } from "@slipway/core";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";

/** Every admin request body is a small JSON document. */
export const ADMIN_BODY_LIMIT = 1024 * 1024;
/**
 * An env import may carry a whole target's variables (up to ENV_TOTAL_MAX_BYTES of values), and
 * JSON escaping makes values longer (a newline or a quote takes two bytes).
 */
export const ENV_IMPORT_BODY_LIMIT = 4 * ENV_TOTAL_MAX_BYTES;

const ENV_IMPORT_PATH = /^\/api\/v1\/projects\/[^/]+\/env$/;

/** An uploaded artifact (a whole build, gzipped); checked entry by entry after it is read. */
export const ARTIFACT_BODY_LIMIT = 256 * 1024 * 1024;
const ARTIFACT_PATH = /^\/api\/v1\/projects\/[^/]+\/deployments\/artifact$/;

/** Caps the body of every admin route; a larger one is refused with 413 before it is buffered. */
export function adminBodyLimit() {
  const limited = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new SlipwayError(
          "PAYLOAD_TOO_LARGE",
          `The request body is larger than ${maxSize} bytes, the limit of this route.`,
          "Send fewer or smaller values per request.",
        );
      },
    });
  const admin = limited(ADMIN_BODY_LIMIT);
  const envImport = limited(ENV_IMPORT_BODY_LIMIT);
  const artifact = limited(ARTIFACT_BODY_LIMIT);
  return createMiddleware((c, next) => {
    if (ARTIFACT_PATH.test(c.req.path)) return artifact(c, next);
    return (ENV_IMPORT_PATH.test(c.req.path) ? envImport : admin)(c, next);
  });
}
