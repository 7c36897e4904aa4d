import { type DeploymentManifest, MANIFEST_VERSION } from "@slipway/core";

/** A valid manifest for hand-made test deployments (a bundle in `server/`, no image function). */
export function testManifest(deploymentId: string, buildId: string): DeploymentManifest {
  return {
    version: MANIFEST_VERSION,
    deploymentId,
    buildId,
    nextVersion: "16.4.6",
    openNextVersion: "4.1.16",
    createdAt: new Date().toISOString(),
    nodeVersion: "22",
    server: { dir: "server", entry: "index.mjs", streaming: true },
    image: null,
    functions: [],
    assets: { dir: "assets", immutablePrefixes: [], precompressed: [] },
    cache: { dir: "cache" },
    envKeys: [],
    timings: {},
  };
}
