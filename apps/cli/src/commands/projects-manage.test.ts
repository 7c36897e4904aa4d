import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { serve } from "@hono/node-server";
import { createApi } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE, type CoreDeps, createProject, handleDeployJob } from "@slipway/core";
import {
  createMemoryBlobStore,
  createMemoryBuildCache,
  createMemoryDeployer,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
} from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../index.ts";

// `projects update`, `projects rm` and `admin cache clear` through main() against the real API
// (in-memory adapters) on a loopback port, with a step runner that runs queued removals.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function platform() {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  const buildCache = createMemoryBuildCache();
  const deps = {
    store,
    queue,
    blobs: createMemoryBlobStore(),
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    deployer: createMemoryDeployer(),
    buildCache,
    urls: { hostname: (l: string) => `${l}.localhost`, url: (h: string) => `http://${h}`, apiUrl: "http://api" },
    settings: { retainDeployments: 10 },
    statusReporter: null,
  } as unknown as CoreDeps;
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: await tokenHash("tok"),
    createdAt: "2026",
    ...ADMIN_TOKEN_SCOPE,
  });
  const shop = await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
  buildCache.fill(shop.id, 2_500_000);

  const server = serve({ fetch: createApi(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  let running = true;
  const runner = (async () => {
    while (running) {
      const job = await queue.claim(60_000);
      if (job) {
        await handleDeployJob(deps, job);
        await queue.complete(job.receipt);
      } else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  closers.push(async () => {
    running = false;
    await runner;
    await new Promise((resolve) => server.close(resolve));
  });
  const env = { SLIPWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SLIPWAY_TOKEN: "tok" };
  return { deps, store, buildCache, shop, env };
}

async function tokenHash(token: string): Promise<string> {
  return (await import("@slipway/api")).hashToken(token);
}

/** Runs the CLI in process; `input` is what the person types, `tty` whether stdin is a terminal. */
async function cli(env: Record<string, string>, args: string[], options: { tty?: boolean; input?: string } = {}) {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  if (options.input !== undefined) stdin.end(options.input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk) => out.push(String(chunk)));
  stderr.on("data", (chunk) => err.push(String(chunk)));
  const code = await main(args, { stdin, stdout, stderr, env: { ...env, HOME: "/nonexistent" } });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("slipway projects rm", () => {
  it("refuses without --yes when stdin is not a terminal, and removes nothing", async () => {
    const { env, store } = await platform();
    const result = await cli(env, ["projects", "rm", "shop"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Refusing to remove project "shop" without confirmation');
    expect(result.stderr).toContain("slipway projects rm shop --yes");
    const json = await cli(env, ["projects", "rm", "shop", "--json"]);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "CONFIRMATION_REQUIRED" } });
    expect(await store.projects.getByName("shop")).not.toBeNull();
  });

  it("on a terminal, removes only when the name is typed back", async () => {
    const { env, store } = await platform();
    const wrong = await cli(env, ["projects", "rm", "shop"], { tty: true, input: "sho\n" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Type the project's name (shop) to confirm:");
    expect(wrong.stderr).toContain("Not removed.");
    expect(await store.projects.getByName("shop")).not.toBeNull();
    const closed = await cli(env, ["projects", "rm", "shop"], { tty: true, input: "" });
    expect(closed.code).toBe(1);

    const right = await cli(env, ["projects", "rm", "shop"], { tty: true, input: "shop\n" });
    expect(right).toMatchObject({ code: 0, stdout: "Removed shop.\n" });
    expect(await store.projects.getByName("shop")).toBeNull();
  });

  it("with --yes --json, removes and waits until the project is gone, caches included", async () => {
    const { env, store, buildCache, shop } = await platform();
    const result = await cli(env, ["projects", "rm", "shop", "--yes", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ name: "shop", status: "removed" });
    expect(await store.projects.get(shop.id)).toBeNull();
    expect(buildCache.projects()).toEqual([]);
  });

  it("names an unknown project before asking anything", async () => {
    const { env } = await platform();
    const result = await cli(env, ["projects", "rm", "nope", "--json"], { tty: true, input: "nope\n" });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toMatchObject({ error: { code: "PROJECT_NOT_FOUND" } });
    expect(result.stderr).not.toContain("confirm");
  });
});

describe("slipway projects update", () => {
  it("changes the settings given and prints the project; an empty command resets it", async () => {
    const { env } = await platform();
    const result = await cli(env, [
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
    const reset = await cli(env, ["projects", "update", "shop", "--build-command", ""]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("build command      (next build)");
    expect(reset.stdout).toContain("root directory     apps/web");
    const node = await cli(env, ["projects", "update", "shop", "--node", "24"]);
    expect(node.code).toBe(0);
    expect(node.stdout).toContain("Node.js            24");
    const ls = await cli(env, ["projects", "ls"]);
    expect(ls.stdout).toMatch(/ROOT DIR\s+NODE/);
    expect(ls.stdout).toMatch(/shop\s+main\s+apps\/web\s+24\s/);
  });

  it("exits 2 when nothing is to change, 1 naming a bad value", async () => {
    const { env } = await platform();
    expect((await cli(env, ["projects", "update", "shop"])).code).toBe(2);
    const bad = await cli(env, ["projects", "update", "shop", "--root-dir", "/etc"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"/etc"');
    const node = await cli(env, ["projects", "update", "shop", "--node", "18"]);
    expect(node.code).toBe(1);
    expect(node.stderr).toContain("18");
  });
});

describe("slipway admin cache clear", () => {
  it("reports the bytes freed, for one project or all", async () => {
    const { env } = await platform();
    const one = await cli(env, ["admin", "cache", "clear", "--project", "shop"]);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain("Cleared the build caches of shop: 2.4 MB freed.");
    const all = await cli(env, ["admin", "cache", "clear", "--json"]);
    expect(JSON.parse(all.stdout)).toEqual({ project: null, bytesFreed: 0 });
  });
});
