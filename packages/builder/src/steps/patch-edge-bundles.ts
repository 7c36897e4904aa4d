import path from "node:path";
import { EDGE_ROUTE_FILE } from "@slipway/core";
import { BuildFailure } from "../failure.ts";
import { readBuildFile, writeFresh } from "../output/safe-fs.ts";
import type { EdgeFunction } from "./edge-functions.ts";

// An edge bundle is a few MB; far above that is not OpenNext's.
const EDGE_BUNDLE_LIMIT = 128 * 1024 * 1024;
/** OpenNext 4.1.16's banner on every edge bundle. */
const NAMESPACE_BANNER = 'import * as process from "node:process";';
const DEFAULT_BANNER = 'import process from "node:process";';

/**
 * OpenNext 4.1.16 binds `process` in edge bundles to the `node:process` module namespace, whose
 * properties are read-only; Next 16's edge runtime chunks assign `process.env` when their
 * `process` is not the global one, and die with "Cannot assign to read only property 'env'".
 * The default export is the real `process` object, so that check passes and nothing is assigned.
 * Also writes the route each bundle serves beside it (EDGE_ROUTE_FILE), for its wrapper.
 * Runs on checked build output (no links) after the sandbox exited.
 */
export async function patchEdgeBundles(artifactRoot: string, edge: readonly EdgeFunction[]): Promise<void> {
  for (const fn of edge) {
    const file = path.join(artifactRoot, "server-functions", fn.name, "index.mjs");
    const label = `build output server-functions/${fn.name}/index.mjs`;
    const source = (await readBuildFile(file, EDGE_BUNDLE_LIMIT, label)).toString("utf8");
    if (!source.startsWith(NAMESPACE_BANNER)) {
      // Another OpenNext than the one this patch was written for: better a clear failure than a 500.
      throw new BuildFailure(`OpenNext packaging: edge function ${fn.name} does not start with the expected banner`);
    }
    await writeFresh(file, DEFAULT_BANNER + source.slice(NAMESPACE_BANNER.length), label);
    const routeFile = path.join(artifactRoot, "server-functions", fn.name, EDGE_ROUTE_FILE);
    await writeFresh(
      routeFile,
      `${JSON.stringify({ path: fn.path })}\n`,
      `server-functions/${fn.name}/${EDGE_ROUTE_FILE}`,
    );
  }
}
