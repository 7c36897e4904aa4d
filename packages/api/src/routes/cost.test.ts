import type { SiteCosts } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { createApi } from "../app.ts";
import { setupApi } from "../testing/setup-api.ts";

const headers = { authorization: "Bearer good-token", "content-type": "application/json" };

async function setup(siteCosts: SiteCosts | undefined) {
  const base = await setupApi();
  const app = createApi({ ...base.deps, siteCosts });
  const call = async (path: string) => {
    const res = await app.request(path, { headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const created = await app.request("/api/v1/projects", {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "shop", repo: "https://github.com/acme/shop.git" }),
  });
  const projectId = ((await created.json()) as { id: string }).id;
  return { call, projectId };
}

describe("GET /api/v1/projects/:name/cost", () => {
  it("answers the site's cached days over the last full days with totals, the as-of time and the rule", async () => {
    const asked: string[][] = [];
    const costs: SiteCosts = {
      name: "fake",
      async costOf(site, from, to) {
        asked.push([site, from, to]);
        return {
          asOf: "2026-12-01T06:00:00.000Z",
          days: [
            { date: "2026-11-29", taggedUsd: 0.4, sharedUsd: 2.25, invocations: 300 },
            { date: "2026-11-30", taggedUsd: 0.1, sharedUsd: 0.1234567, invocations: 0 },
          ],
        };
      },
    };
    const { call, projectId } = await setup(costs);
    const response = await call("/api/v1/projects/shop/cost?days=7");
    expect(response.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const day = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
    expect(asked).toEqual([[projectId, day(7), day(1)]]);
    expect(response.body).toMatchObject({
      project: "shop",
      from: day(7),
      to: day(1),
      asOf: "2026-12-01T06:00:00.000Z",
      currency: "USD",
      taggedUsd: 0.5,
      sharedUsd: 2.373457,
      totalUsd: 2.873457,
      invocations: 300,
      days: [
        { date: "2026-11-29", taggedUsd: 0.4, sharedUsd: 2.25, totalUsd: 2.65, invocations: 300 },
        { date: "2026-11-30", taggedUsd: 0.1, sharedUsd: 0.123457, totalUsd: 0.223457, invocations: 0 },
      ],
    });
    expect(response.body.rule).toContain("invocations");
  });

  it("names a bad day count and an unknown project", async () => {
    const { call } = await setup({ name: "fake", costOf: async () => ({ asOf: null, days: [] }) });
    const bad = await call("/api/v1/projects/shop/cost?days=0");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining('"0"') });
    expect((await call("/api/v1/projects/nope/cost")).status).toBe(404);
  });

  it("does not exist on a target without a bill to read (local keeps its projection)", async () => {
    const { call } = await setup(undefined);
    expect((await call("/api/v1/projects/shop/cost")).status).toBe(404);
  });
});
