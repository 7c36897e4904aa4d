import { createProject } from "@slipway/core";
import { createMemoryDns } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { memoryApiDeps, runMain, serveApi } from "../test-support/in-process.ts";

// `slipway domains add/ls/verify/rm` through main() against the real API (in-memory adapters).

async function platform() {
  const dns = createMemoryDns();
  const deps = {
    ...memoryApiDeps(),
    dns,
    settings: { retainDeployments: 10, domains: { addresses: ["203.0.113.7"] } },
  };
  await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
  return { dns, env: await serveApi(deps) };
}

describe("slipway domains", () => {
  it("adds, lists, verifies and removes a domain, in human and JSON output", async () => {
    const { dns, env } = await platform();
    const added = await runMain(env, ["domains", "add", "example.com", "--project", "shop"]);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("example.com (shop): pending");
    expect(added.stdout).toMatch(/A\s+example\.com\s+203\.0\.113\.7/);
    const www = await runMain(env, [
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

    const failed = await runMain(env, ["domains", "verify", "example.com"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("Reason: example.com resolves to no A, AAAA or CNAME record; expected 203.0.113.7");
    dns.set("example.com", "a", ["203.0.113.7"]);
    const ok = await runMain(env, ["domains", "verify", "example.com", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ verified: true, status: "verified" });

    const ls = await runMain(env, ["domains", "ls"]);
    expect(ls.stdout).toMatch(/example\.com\s+shop\s+verified/);
    expect(ls.stdout).toMatch(/www\.example\.com\s+shop\s+pending\s+-\s+example\.com/);
    expect(JSON.parse((await runMain(env, ["domains", "ls", "--project", "shop", "--json"])).stdout)).toHaveLength(2);

    expect((await runMain(env, ["domains", "rm", "www.example.com"])).stdout).toBe(
      "Removed www.example.com from shop.\n",
    );
    const gone = await runMain(env, ["domains", "rm", "www.example.com", "--json"]);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr)).toMatchObject({ error: { code: "DOMAIN_NOT_FOUND" } });
  });

  it("refuses a hostile hostname with a one-line reason that names it, and usage errors exit 2", async () => {
    const { env } = await platform();
    const bad = await runMain(env, ["domains", "add", "evil.com/../x", "--project", "shop"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"evil.com/../x" is not a valid domain name');
    expect((await runMain(env, ["domains", "add", "example.com"])).code).toBe(2);
    expect((await runMain(env, ["domains", "verify"])).code).toBe(2);
  });
});
