import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { serve } from "@hono/node-server";
import { type ApiDeps, createApi, hashToken } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE, createProject } from "@slipway/core";
import {
  createMemoryBuildCache,
  createMemoryDns,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
} from "@slipway/memory";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../index.ts";

// `slipway domains add/ls/verify/rm` through main() against the real API (in-memory adapters).

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function platform() {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  const dns = createMemoryDns();
  const deps: ApiDeps = {
    store,
    queue,
    dns,
    buildCache: createMemoryBuildCache(),
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    git: createMemoryGitRemote(),
    urls: { hostname: (l) => `${l}.localhost`, url: (h) => `http://${h}`, apiUrl: "http://api" },
    settings: { retainDeployments: 10, domains: { addresses: ["203.0.113.7"] } },
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
  const env = { SLIPWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SLIPWAY_TOKEN: "tok" };
  return { dns, env };
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

describe("slipway domains", () => {
  it("adds, lists, verifies and removes a domain, in human and JSON output", async () => {
    const { dns, env } = await platform();
    const added = await cli(env, ["domains", "add", "example.com", "--project", "shop"]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("example.com (shop): pending");
    expect(added.stdout).toMatch(/A\s+example\.com\s+203\.0\.113\.7/);
    const www = await cli(env, [
      "domains",
      "add",
      "www.example.com",
      "-p",
      "shop",
      "--redirect-to",
      "example.com",
      "--json",
    ]);
    expect(JSON.parse(www.stdout)).toMatchObject({ hostname: "www.example.com", redirectTo: "example.com" });

    const failed = await cli(env, ["domains", "verify", "example.com"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("Reason: example.com resolves to no A, AAAA or CNAME record; expected 203.0.113.7");
    dns.set("example.com", "a", ["203.0.113.7"]);
    const ok = await cli(env, ["domains", "verify", "example.com", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ verified: true, status: "verified" });

    const ls = await cli(env, ["domains", "ls"]);
    expect(ls.stdout).toMatch(/example\.com\s+shop\s+verified/);
    expect(ls.stdout).toMatch(/www\.example\.com\s+shop\s+pending\s+-\s+example\.com/);
    expect(JSON.parse((await cli(env, ["domains", "ls", "--project", "shop", "--json"])).stdout)).toHaveLength(2);

    expect((await cli(env, ["domains", "rm", "www.example.com"])).stdout).toBe("Removed www.example.com from shop.\n");
    const gone = await cli(env, ["domains", "rm", "www.example.com", "--json"]);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr)).toMatchObject({ error: { code: "DOMAIN_NOT_FOUND" } });
  });

  it("refuses a hostile hostname with a one-line reason that names it, and usage errors exit 2", async () => {
    const { env } = await platform();
    const bad = await cli(env, ["domains", "add", "evil.com/../x", "--project", "shop"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"evil.com/../x" is not a valid domain name');
    expect((await cli(env, ["domains", "add", "example.com"])).code).toBe(2);
    expect((await cli(env, ["domains", "verify"])).code).toBe(2);
  });
});
