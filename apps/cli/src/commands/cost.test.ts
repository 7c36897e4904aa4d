import { createProject, type SiteCosts } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { memoryApiDeps, runMain, serveApi } from "../test-support/in-process.ts";

// `slipway cost` through main() against the real API (in-memory adapters), with and without costs.

async function platform(siteCosts?: SiteCosts) {
  const deps = { ...memoryApiDeps(), ...(siteCosts ? { siteCosts } : {}) };
  await createProject(deps, { name: "shop", repo: "https://github.com/acme/shop.git" });
  return serveApi(deps);
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
    const human = await runMain(env, ["cost", "--project", "shop", "--days", "7"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("fetched 2026-12-01T07:00:00.000Z");
    expect(human.stdout).toMatch(/2026-11-30\s+\$0\.4000\s+\$2\.2500\s+\$2\.6500\s+300/);
    expect(human.stdout).toContain("invocations");
    const json = await runMain(env, ["cost", "-p", "shop", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ totalUsd: 2.65, asOf: "2026-12-01T07:00:00.000Z" });
  });

  it("says before the first fetch that there is nothing yet", async () => {
    const env = await platform({ name: "empty", costOf: async () => ({ asOf: null, days: [] }) });
    const result = await runMain(env, ["cost", "-p", "shop"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("no costs fetched yet");
  });

  it("on a platform without a bill, exits non-zero pointing at the local projection", async () => {
    const env = await platform();
    const result = await runMain(env, ["cost", "-p", "shop"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("Cost Explorer on the AWS target");
    expect(result.stderr).toContain("slipway usage --project shop");
  });
});
