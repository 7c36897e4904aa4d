import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Store } from "@slipway/core";
import { deployment as deploymentFixture, project as projectFixture } from "@slipway/core/contracts";
import { createMemoryBlobStore, createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { create as createTar } from "tar";
import { createLocalDeployer } from "../deployer/local.ts";
import { createEdge } from "../edge/edge.ts";
import { routeThroughStore, type StoreRoutingOptions } from "../edge/store-routing.ts";
import type { EdgeCacheSettings, EdgeOptions, RequestReport } from "../edge/types.ts";
import { createFunctionHost } from "../function-host/host.ts";
import type { FunctionHostEvent, FunctionHostOptions } from "../function-host/types.ts";
import { FIXTURE_DEPLOYMENT_ID } from "./fixture-artifact.ts";

export const FIXTURE_PROJECT_ID = "prj_fixture";

/**
 * The local read side wired the way the platform wires it (edge + function host + deployer, the
 * edge routing through a Store), with one project `fixture` whose alias `fixture.localhost`
 * points at the activated artifact. `store` defaults to the in-memory one; the benchmark passes
 * SQLite, seeded with thousands of other projects.
 */
export async function startStack(
  artifactDir: string,
  hostOptions: Partial<FunctionHostOptions> = {},
  edgeOptions: {
    cache?: false | Omit<EdgeCacheSettings, "cachesDir">;
    onRequest?: (report: RequestReport) => void;
    /** Custom domains' front and their routing, as the platform passes them (the HTTPS benchmark). */
    domainFront?: EdgeOptions["domainFront"];
    routing?: StoreRoutingOptions;
  } = {},
  store: Store = createMemoryStore(createMemoryQueue()),
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
    ...routeThroughStore(store, edgeOptions.routing),
    functionHost,
    deploymentsDir,
    ...(edgeOptions.domainFront ? { domainFront: edgeOptions.domainFront } : {}),
    onRequest: (report) => {
      requests.push(report);
      edgeOptions.onRequest?.(report);
    },
    ...(edgeOptions.cache === false ? {} : { cache: { cachesDir, ...edgeOptions.cache } }),
  });
  edgePort = await edge.listen(0, "127.0.0.1");
  const deployer = createLocalDeployer({ blobs, deploymentsDir, functionHost, onDeactivated: edge.forget });
  // Built from the contract fixtures, so fields other work adds to the model get their defaults.
  const project = projectFixture({ id: FIXTURE_PROJECT_ID, name: "fixture", productionBranch: "main" });
  const now = new Date().toISOString();
  const deployment = deploymentFixture(FIXTURE_PROJECT_ID, {
    id: FIXTURE_DEPLOYMENT_ID,
    environment: "production",
    status: "ready",
    artifactKey: `artifacts/${FIXTURE_DEPLOYMENT_ID}.tgz`,
    readyAt: now,
    finishedAt: now,
  });
  await store.projects.create(project);
  await store.deployments.create(deployment);
  const activation = await deployer.activate(deployment);
  const aliasHost = (hostname: string) =>
    store.aliases.set({ hostname, projectId: FIXTURE_PROJECT_ID, deploymentId: FIXTURE_DEPLOYMENT_ID, kind: "custom" });
  await aliasHost("fixture.localhost");
  return {
    port: edgePort,
    dataDir,
    activation,
    functionHost,
    edge,
    deployer,
    events,
    requests,
    store,
    /** Points one more host name at the fixture deployment (e.g. `localhost`, which resolves inside the sandbox). */
    aliasHost,
    async close() {
      await edge.close();
      await functionHost.close();
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
