import { createHash } from "node:crypto";
import { SlipwayError, type Store } from "@slipway/core";
import { createMiddleware } from "hono/factory";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Bearer tokens are stored as SHA-256 hashes; a database leak does not leak a usable token. */
export function requireToken(store: Store) {
  return createMiddleware(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1];
    if (!token || !(await store.tokens.findByHash(hashToken(token)))) {
      throw new SlipwayError(
        "UNAUTHORIZED",
        token ? "The API token is not valid." : "An API token is required (Authorization: Bearer <token>).",
        "Use the token from <data dir>/admin-token, via SLIPWAY_TOKEN or `slipway login`.",
      );
    }
    await next();
  });
}
