import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { serve } from "@hono/node-server";
import { type ApiDeps, createApi, hashToken } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE, createProject } from "@slipway/core";
import { savedReadyDeployment } from "@slipway/core/contracts";
import {
  createMemoryBuildCache,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
} from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../index.ts";

// `slipway deployments ls` through main() against the real API (in-memory adapters, a target
// that watches canaries as AWS does).

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function platform() {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  const deps: ApiDeps = {
    store,
    queue,
    buildCache: createMemoryBuildCache(),
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    git: createMemoryGitRemote(),
    urls: { hostname: (l) => `${l}.localhost`, url: (h) => `http://${h}`, apiUrl: "http://api" },
    settings: { retainDeployments: 10 },
    canaryWatch: { name: "test", watch: async () => undefined, unwatch: async () => undefined },
  };
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken("tok"),
    createdAt: "2026",
    ...ADMIN_TOKEN_SCOPE,
  });
  const project = await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
  for (const [i, id] of ["dpl_stable", "dpl_next"].entries()) {
    await savedReadyDeployment(store, project.id, {
      id,
      commit: { sha: `${i}`.repeat(40), branch: "main", message: null, author: null },
      artifactKey: `artifacts/${id}.tar`,
      createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
    });
  }
  const server = serve({ fetch: createApi(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { SLIPWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SLIPWAY_TOKEN: "tok" };
}

async function cli(env: Record<string, string>, args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  stdout.on("data", (chunk) => out.push(String(chunk)));
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  const code = await main(args, { stdin, stdout, stderr, env: { ...env, HOME: "/nonexistent" } });
  return { code, stdout: out.join("") };
}

describe("slipway deployments ls", () => {
  it("shows the running canary above the list and on its row, and nothing once it is cancelled", async () => {
    const env = await platform();
    expect((await cli(env, ["promote", "dpl_stable"])).code).toBe(0);
    const before = await cli(env, ["deployments", "ls", "--project", "shop"]);
    expect(before.code).toBe(0);
    expect(before.stdout).not.toContain("canary");

    expect((await cli(env, ["promote", "dpl_next", "--canary", "10"])).code).toBe(0);
    const during = await cli(env, ["deployments", "ls", "-p", "shop"]);
    const [first] = during.stdout.split("\n");
    expect(first).toMatch(/^canary: 10% → dpl_next since \d+s ago \(the rest on dpl_stable\)/);
    expect(first).toContain("`slipway promote dpl_next`");
    expect(first).toContain("`slipway rollback --project shop`");
    expect(during.stdout).toMatch(/dpl_next\s+ready, canary 10%\s+production/);
    // --json stays the list it was: scripts read the canary from the project.
    const json = JSON.parse((await cli(env, ["deployments", "ls", "-p", "shop", "--json"])).stdout);
    expect(json.map((d: { id: string }) => d.id)).toEqual(["dpl_next", "dpl_stable"]);

    expect((await cli(env, ["rollback", "--project", "shop"])).code).toBe(0);
    expect((await cli(env, ["deployments", "ls", "-p", "shop"])).stdout).not.toContain("canary");
  });
});
