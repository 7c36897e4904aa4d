import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@slipway/core";
import { deployment as contractDeployment, project as contractProject } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { afterEach, expect, it } from "vitest";
import { unpackMissingDeployments } from "./unpack-missing.ts";

let dir = "";
afterEach(() => rm(dir, { recursive: true, force: true }));

it("activates each aliased ready deployment whose files are missing, once, and logs one that fails", async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-unpack-"));
  const store = createMemoryStore(createMemoryQueue());
  await store.projects.create(contractProject({ id: "p1", name: "site" }));
  const make = async (id: string, status: Deployment["status"] = "ready") =>
    store.deployments.create(contractDeployment("p1", { id, status }));
  await make("dpl_prod");
  await make("dpl_preview");
  await make("dpl_there");
  await make("dpl_broken");
  await make("dpl_unaliased");
  await make("dpl_building", "building");
  const point = (hostname: string, deploymentId: string, kind: "production" | "branch" | "deployment") =>
    store.aliases.set({ hostname, projectId: "p1", deploymentId, kind });
  await point("site.localhost", "dpl_prod", "production");
  await point("site-dpl_prod.localhost", "dpl_prod", "deployment");
  await point("site-git-x.localhost", "dpl_preview", "branch");
  await point("site-dpl_there.localhost", "dpl_there", "deployment");
  await point("site-dpl_broken.localhost", "dpl_broken", "deployment");
  await point("site-dpl_building.localhost", "dpl_building", "deployment");
  await mkdir(join(dir, "dpl_there"));

  const activated: string[] = [];
  const logged: string[] = [];
  const unpacked = await unpackMissingDeployments({
    store,
    deployer: {
      async activate(deployment) {
        activated.push(deployment.id);
        return deployment.id === "dpl_broken" ? { ok: false, reason: "artifact missing" } : { ok: true, warmMs: 1 };
      },
    },
    rootOf: (id) => join(dir, id),
    log: (line) => logged.push(line),
  });
  expect(activated.sort()).toEqual(["dpl_broken", "dpl_preview", "dpl_prod"]);
  expect(unpacked).toBe(2);
  expect(logged.join("\n")).toContain("dpl_broken: artifact missing");
});
