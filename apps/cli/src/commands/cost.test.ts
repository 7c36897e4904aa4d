import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { serve } from "@hono/node-server";
import { type ApiDeps, createApi, hashToken } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE, createProject, type SiteCosts } from "@slipway/core";
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

// `slipway cost` through main() against the real API (in-memory adapters), with and without costs.

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function platform(siteCosts?: SiteCosts) {
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
    ...(siteCosts ? { siteCosts } : {}),
  };
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken("tok"),
    createdAt: "2026",
    ...ADMIN_TOKEN_SCOPE,
  });
  await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
  const server = serve({ fetch: createApi(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { SLIPWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SLIPWAY_TOKEN: "tok" };
}

async function cli(env: Record<string, string>, args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk) => out.push(String(chunk)));
  stderr.on("data", (chunk) => err.push(String(chunk)));
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  const code = await main(args, { stdin, stdout, stderr, env: { ...env, HOME: "/nonexistent" } });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const cached: SiteCosts = {
  name: "fake",
  costOf: async () => ({
    asOf: "2026-12-01T07:00:00.000Z",
    days: [{ date: "2026-11-30", taggedUsd: 0.4, sharedUsd: 2.25, invocations: 300 }],
  }),
};

describe("slipway cost", () => {
  it("prints the cached days with own and shared cost, the fetch time and the rule, and JSON with --json", async () => {
    const env = await platform(cached);
    const human = await cli(env, ["cost", "--project", "shop", "--days", "7"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("fetched 2026-12-01T07:00:00.000Z");
    expect(human.stdout).toMatch(/2026-11-30\s+\$0\.4000\s+\$2\.2500\s+\$2\.6500\s+300/);
    expect(human.stdout).toContain("invocations");
    const json = await cli(env, ["cost", "-p", "shop", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ totalUsd: 2.65, asOf: "2026-12-01T07:00:00.000Z" });
  });

  it("says before the first fetch that there is nothing yet", async () => {
    const env = await platform({ name: "empty", costOf: async () => ({ asOf: null, days: [] }) });
    const result = await cli(env, ["cost", "-p", "shop"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("no costs fetched yet");
  });

  it("on a platform without a bill, exits non-zero pointing at the local projection", async () => {
    const env = await platform();
    const result = await cli(env, ["cost", "-p", "shop"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Cost Explorer on the AWS target");
    expect(result.stderr).toContain("slipway usage --project shop");
  });
});
