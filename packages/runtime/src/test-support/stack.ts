import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Deployment } from "@slipway/core";
import { createMemoryBlobStore } from "@slipway/memory";
import { create as createTar } from "tar";
import { createLocalDeployer } from "../deployer/local.ts";
import { createEdge } from "../edge/edge.ts";
import type { EdgeCacheSettings, RequestReport } from "../edge/types.ts";
import { createFunctionHost } from "../function-host/host.ts";
import type { FunctionHostEvent, FunctionHostOptions } from "../function-host/types.ts";
import { FIXTURE_DEPLOYMENT_ID } from "./fixture-artifact.ts";

/**
 * The local read side wired the way the platform wires it (edge + function host + deployer),
 * with one project `fixture` whose alias `fixture.localhost` points at the activated artifact.
 */
export async function startStack(
  artifactDir: string,
  hostOptions: Partial<FunctionHostOptions> = {},
  edgeOptions: { cache?: false | Omit<EdgeCacheSettings, "cachesDir"> } = {},
) {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-runtime-"));
  const deploymentsDir = path.join(dataDir, "deployments");
  await fs.mkdir(deploymentsDir, { recursive: true });
  const blobs = createMemoryBlobStore();
  const tarFile = path.join(dataDir, "artifact.tgz");
  await createTar({ file: tarFile, cwd: artifactDir, gzip: true, portable: true }, ["."]);
  await blobs.put(`artifacts/${FIXTURE_DEPLOYMENT_ID}.tgz`, await fs.readFile(tarFile));

  const events: FunctionHostEvent[] = [];
  const requests: RequestReport[] = [];
  const aliases = new Map<string, { deploymentId: string; projectId: string }>();
  let edgePort = 0;
  const cachesDir = path.join(dataDir, "cache");
  const functionHost = createFunctionHost({
    deploymentsDir,
    cachesDir,
    getRuntimeEnv: async (id) => ({ GREETING: "hello from env", SLIPWAY_ENV: "production", SLIPWAY_DEPLOYMENT_ID: id }),
    revalidateOrigin: () => `http://127.0.0.1:${edgePort}`,
    onEvent: (event) => events.push(event),
    ...hostOptions,
  });
  const edge = createEdge({
    resolveHost: async (host) => aliases.get(host) ?? null,
    getDeployment: async (id) => (id === FIXTURE_DEPLOYMENT_ID ? { projectId: "prj_fixture" } : null),
    functionHost,
    deploymentsDir,
    onRequest: (report) => requests.push(report),
    ...(edgeOptions.cache === false ? {} : { cache: { cachesDir, ...edgeOptions.cache } }),
  });
  edgePort = await edge.listen(0, "127.0.0.1");
  const deployer = createLocalDeployer({ blobs, deploymentsDir, functionHost, onDeactivated: edge.forget });
  const deployment = {
    id: FIXTURE_DEPLOYMENT_ID,
    projectId: "prj_fixture",
    artifactKey: `artifacts/${FIXTURE_DEPLOYMENT_ID}.tgz`,
  } as Deployment;
  const activation = await deployer.activate(deployment);
  aliases.set("fixture.localhost", { deploymentId: FIXTURE_DEPLOYMENT_ID, projectId: "prj_fixture" });
  return {
    port: edgePort,
    dataDir,
    activation,
    functionHost,
    edge,
    deployer,
    events,
    requests,
    async close() {
      await edge.close();
      await functionHost.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
