import { type CoreDeps, createProject, handleDeployJob } from "@slipway/core";
import { createMemoryBlobStore, createMemoryDeployer } from "@slipway/memory";
import { describe, expect, it, onTestFinished } from "vitest";
import { memoryApiDeps, runMain, serveApi } from "../test-support/in-process.ts";

// `projects update`, `projects rm` and `admin cache clear` through main() against the real API
// (in-memory adapters) on a loopback port, with a step runner that runs queued removals.

async function platform() {
  const deps = {
    ...memoryApiDeps(),
    blobs: createMemoryBlobStore(),
    deployer: createMemoryDeployer(),
    settings: { retainDeployments: 10 },
    statusReporter: null,
  };
  const { store, queue, buildCache } = deps;
  const shop = await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
  buildCache.fill(shop.id, 2_500_000);

  const env = await serveApi(deps);
  let running = true;
  const runner = (async () => {
    while (running) {
      const job = await queue.claim(60_000);
      if (job) {
        await handleDeployJob(deps as unknown as CoreDeps, job);
        await queue.complete(job.receipt);
      } else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  onTestFinished(async () => {
    running = false;
    await runner;
  });
  return { store, buildCache, shop, env };
}

describe("slipway projects rm", () => {
  it("refuses without --yes when stdin is not a terminal, and removes nothing", async () => {
    const { env, store } = await platform();
    const result = await runMain(env, ["projects", "rm", "shop"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Refusing to remove project "shop" without confirmation');
    expect(result.stderr).toContain("slipway projects rm shop --yes");
    const json = await runMain(env, ["projects", "rm", "shop", "--json"]);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "CONFIRMATION_REQUIRED" } });
    expect(await store.projects.getByName("shop")).not.toBeNull();
  });

  it("on a terminal, removes only when the name is typed back", async () => {
    const { env, store } = await platform();
    const wrong = await runMain(env, ["projects", "rm", "shop"], { tty: true, input: "sho\n" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Type the project's name (shop) to confirm:");
    expect(wrong.stderr).toContain("Not removed.");
    expect(await store.projects.getByName("shop")).not.toBeNull();
    const closed = await runMain(env, ["projects", "rm", "shop"], { tty: true, input: "" });
    expect(closed.code).toBe(1);

    const right = await runMain(env, ["projects", "rm", "shop"], { tty: true, input: "shop\n" });
    expect(right).toMatchObject({ code: 0, stdout: "Removed shop.\n" });
    expect(await store.projects.getByName("shop")).toBeNull();
  });

  it("with --yes --json, removes and waits until the project is gone, caches included", async () => {
    const { env, store, buildCache, shop } = await platform();
    const result = await runMain(env, ["projects", "rm", "shop", "--yes", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: "shop", status: "removed" });
    expect(await store.projects.get(shop.id)).toBeNull();
    expect(buildCache.projects()).toEqual([]);
  });

  it("names an unknown project before asking anything", async () => {
    const { env } = await platform();
    const result = await runMain(env, ["projects", "rm", "nope", "--json"], { tty: true, input: "nope\n" });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: "PROJECT_NOT_FOUND" } });
    expect(result.stderr).not.toContain("confirm");
  });
});

describe("slipway projects update", () => {
  it("changes the settings given and prints the project; an empty command resets it", async () => {
    const { env } = await platform();
    const result = await runMain(env, [
      "projects",
      "update",
      "shop",
      "--root-dir",
      "apps/web",
      "--build-command",
      "npm run build:web",
      "--json",
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rootDir: "apps/web", buildCommand: "npm run build:web" });
    const reset = await runMain(env, ["projects", "update", "shop", "--build-command", ""]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("build command      (next build)");
    expect(reset.stdout).toContain("root directory     apps/web");
    const node = await runMain(env, ["projects", "update", "shop", "--node", "24"]);
    expect(node.code).toBe(0);
    expect(node.stdout).toContain("Node.js            24");
    const ls = await runMain(env, ["projects", "ls"]);
    expect(ls.stdout).toMatch(/ROOT DIR\s+NODE/);
    expect(ls.stdout).toMatch(/shop\s+main\s+apps\/web\s+24\s/);
  });

  it("exits 2 when nothing is to change, 1 naming a bad value", async () => {
    const { env } = await platform();
    expect((await runMain(env, ["projects", "update", "shop"])).code).toBe(2);
    const bad = await runMain(env, ["projects", "update", "shop", "--root-dir", "/etc"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"/etc"');
    const node = await runMain(env, ["projects", "update", "shop", "--node", "18"]);
    expect(node.code).toBe(1);
    expect(node.stderr).toContain("18");
  });
});

describe("slipway admin cache clear", () => {
  it("reports the bytes freed, for one project or all", async () => {
    const { env } = await platform();
    const one = await runMain(env, ["admin", "cache", "clear", "--project", "shop"]);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain("Cleared the build caches of shop: 2.4 MB freed.");
    const all = await runMain(env, ["admin", "cache", "clear", "--json"]);
    expect(JSON.parse(all.stdout)).toEqual({ project: null, bytesFreed: 0 });
  });
});
