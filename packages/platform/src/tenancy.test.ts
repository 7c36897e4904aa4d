import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CoreDeps,
  createProject,
  type Deployment,
  handleGithubWebhook,
  type Project,
  pointAliases,
  promote,
  removeProjectStep,
  webhookSecretOf,
} from "@slipway/core";
import { savedReadyDeployment } from "@slipway/core/contracts";
import { createAesGcmSecrets, createSqliteQueue, createSqliteStore, openSqlite } from "@slipway/local";
import {
  createMemoryBlobStore,
  createMemoryBuildCache,
  createMemoryDeployer,
  createMemoryLogStore,
} from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";

// Hostnames belong to projects: the use cases on the real SQLite store, with two projects whose
// names collide ("shop" and "shop-git-main"), as they could before colliding names were refused.

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-tenancy-"));
  dirs.push(dir);
  const db = openSqlite(join(dir, "slipway.db"));
  const deps = {
    store: createSqliteStore(db),
    queue: createSqliteQueue(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    urls: { hostname: (l: string) => `${l}.localhost`, url: (h: string) => `http://${h}`, apiUrl: "http://api" },
    settings: { retainDeployments: 10 },
    statusReporter: null,
  } as unknown as CoreDeps;
  return deps;
}

/** A ready deployment of `project`'s `branch` (production if it is the production branch). */
function readyDeployment(deps: CoreDeps, project: Project, branch: string): Promise<Deployment> {
  return savedReadyDeployment(deps.store, project.id, {
    environment: branch === project.productionBranch ? "production" : "preview",
    commit: { sha: "0123456789abcdef0123456789abcdef01234567", branch, message: null, author: null },
  });
}

/** A signed `pull_request closed` delivery from GitHub for `branch` of `project`. */
async function closePullRequest(deps: CoreDeps, project: Project, branch: string, deliveryId: string) {
  const rawBody = Buffer.from(
    JSON.stringify({ action: "closed", number: 1, pull_request: { head: { ref: branch, sha: "a".repeat(40) } } }),
  );
  const secret = await webhookSecretOf(deps, project);
  const signature = `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
  return handleGithubWebhook(deps, { projectId: project.id, event: "pull_request", deliveryId, signature, rawBody });
}

describe("tenancy: hostnames belong to projects", () => {
  it("refuses a project name whose URLs could be another project's, naming both, either way round", async () => {
    const deps = await setup();
    await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
    await expect(createProject(deps, { name: "shop-git-main", repo: "https://github.com/evil/x.git" })).rejects.toThrow(
      expect.objectContaining({
        code: "PROJECT_NAME_CONFLICT",
        message: expect.stringMatching(/"shop-git-main".*"shop"/),
      }),
    );
    await createProject(deps, { name: "blog-abcde12345", repo: "https://github.com/acme/blog.git" });
    await expect(createProject(deps, { name: "blog", repo: "https://github.com/evil/x.git" })).rejects.toThrow(
      expect.objectContaining({ code: "PROJECT_NAME_CONFLICT", message: expect.stringContaining("blog-abcde12345") }),
    );
    expect((await deps.store.projects.list()).map((p) => p.name).sort()).toEqual(["blog-abcde12345", "shop"]);
  });

  it("a colliding project can neither take over nor delete another project's hostnames", async () => {
    const deps = await setup();
    const shop = await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
    // Written straight to the store, as a project created before the name rule existed.
    const intruder: Project = { ...shop, id: "intruder01", name: "shop-git-main", createdAt: shop.createdAt };
    expect(await deps.store.projects.create(intruder)).toBe(true);

    const shopMain = await readyDeployment(deps, shop, "main");
    expect(await pointAliases(deps, shop, shopMain)).toEqual([]);
    expect(await deps.store.aliases.get("shop-git-main.localhost")).toMatchObject({ projectId: shop.id });

    // The intruder's production URL is shop's branch URL: its newer deployment is refused there.
    const intruderMain = await readyDeployment(deps, intruder, "main");
    expect(await pointAliases(deps, intruder, intruderMain)).toEqual(["shop-git-main.localhost"]);
    expect(await deps.store.aliases.get("shop-git-main.localhost")).toMatchObject({
      projectId: shop.id,
      deploymentId: shopMain.id,
    });
    await expect(promote(deps, intruder, intruderMain.id)).rejects.toThrow(
      expect.objectContaining({ code: "HOSTNAME_TAKEN" }),
    );

    // Closing shop's pull request for branch "main" removes shop's own branch URL...
    expect(await closePullRequest(deps, shop, "main", "delivery-1")).toEqual({
      kind: "alias-removed",
      hostname: "shop-git-main.localhost",
    });
    // ...and once the intruder's production holds that hostname, the next close leaves it alone.
    expect(await pointAliases(deps, intruder, intruderMain)).toEqual([]);
    expect(await closePullRequest(deps, shop, "main", "delivery-2")).toMatchObject({
      kind: "ignored",
      reason: expect.stringContaining("another project"),
    });
    expect(await deps.store.aliases.get("shop-git-main.localhost")).toMatchObject({
      projectId: intruder.id,
      kind: "production",
    });
  });

  it("removing a project removes its own hostnames only, never another project's it collides with", async () => {
    const deps = {
      ...(await setup()),
      deployer: createMemoryDeployer(),
      blobs: createMemoryBlobStore(),
      logs: createMemoryLogStore(),
      buildCache: createMemoryBuildCache(),
    };
    const shop = await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
    const intruder: Project = { ...shop, id: "intruder01", name: "shop-git-main", createdAt: shop.createdAt };
    expect(await deps.store.projects.create(intruder)).toBe(true);
    const shopMain = await readyDeployment(deps, shop, "main");
    await pointAliases(deps, shop, shopMain);
    const intruderMain = await readyDeployment(deps, intruder, "main");
    await pointAliases(deps, intruder, intruderMain);
    const shopHostnames = (await deps.store.aliases.listByProject(shop.id)).map((a) => a.hostname).sort();
    expect(shopHostnames).toContain("shop-git-main.localhost");

    expect(await removeProjectStep(deps, intruder.id)).toBe("removed");
    expect((await deps.store.aliases.listByProject(shop.id)).map((a) => a.hostname).sort()).toEqual(shopHostnames);
    expect(await deps.store.aliases.get("shop-git-main.localhost")).toMatchObject({ projectId: shop.id });
    expect(await deps.store.deployments.get(shopMain.id)).not.toBeNull();
  });
});
