import { parseOriginSecret, parseSnapshotLocation } from "./entry-env.ts";
import { loadServerEnv } from "./env-snapshot.ts";
import { createServerHandler } from "./server-handler.ts";

/**
 * The server function's Lambda entry (`slipway-lambda.handler`), bundled into `slipway-lambda.mjs`
 * beside OpenNext's `index.mjs`, which it wraps without changing it (the local host runs the same
 * `index.mjs` directly). What it does per request and per cold start: server-handler.ts.
 * Each edge-runtime route's function runs this entry too, around its own OpenNext edge bundle
 * (site-function-plan.ts).
 */
const snapshot = parseSnapshotLocation(process.env);

export const handler = createServerHandler({
  originSecret: parseOriginSecret(process.env),
  loadEnv: () => loadServerEnv(snapshot),
  openNextUrl: new URL("./index.mjs", import.meta.url).href,
});
