import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  UpdateCostAllocationTagsStatusCommand,
} from "@aws-sdk/client-cost-explorer";
import type { SiteCostDay } from "@slipway/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { siteFunctionName } from "../deployer/names.ts";
import type { SiteCostCache, SiteCostState } from "./cost-cache.ts";
import { createSiteCostRefresh } from "./refresh.ts";

const ce = mockClient(CostExplorerClient);
const cw = mockClient(CloudWatchClient);
afterEach(() => {
  ce.reset();
  cw.reset();
});

const SHOP = "shop000001";
const BLOG = "blog000002";
const NOW = new Date("2026-12-01T04:00:00Z");

/** The cache as a map: what the refresh wrote, to compare with a hand calculation. */
function memoryCache(initial: SiteCostState = { asOf: null, tagsActivatedAt: null }) {
  const days = new Map<string, SiteCostDay[]>();
  let state = initial;
  const cache: SiteCostCache = {
    name: "memory",
    async costOf(site) {
      return { asOf: state.asOf, days: days.get(site) ?? [] };
    },
    async writeDays(written) {
      for (const [site, rows] of written) days.set(site, [...rows]);
    },
    async state() {
      return state;
    },
    async setState(next) {
      state = next;
    },
  };
  return { cache, days, state: () => state };
}

const group = (site: string, amount: string) => ({
  Keys: [`slipway:site$${site}`],
  Metrics: { UnblendedCost: { Amount: amount, Unit: "USD" } },
});

function refresh(cache: SiteCostCache) {
  return createSiteCostRefresh({
    cache,
    stackName: "Slipway",
    sites: async () => [SHOP, BLOG],
    costExplorer: { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
    cloudWatch: { region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
    now: () => NOW,
    log: () => {},
  });
}

describe("the daily cost refresh", () => {
  it("activates the tags, reads every Cost Explorer page and the sites' invocations, and splits shared cost by traffic", async () => {
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({ Errors: [] });
    ce.on(GetCostAndUsageCommand)
      .resolvesOnce({
        ResultsByTime: [
          {
            TimePeriod: { Start: "2026-11-29", End: "2026-11-30" },
            Groups: [group("", "3.00"), group(SHOP, "0.40")],
          },
        ],
        NextPageToken: "page2",
      })
      .resolvesOnce({
        ResultsByTime: [
          {
            TimePeriod: { Start: "2026-11-30", End: "2026-12-01" },
            Groups: [group("", "1.00"), group(BLOG, "0.10")],
          },
        ],
      });
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: "s0",
          Label: siteFunctionName(SHOP, "dep0000001", "server"),
          Timestamps: [new Date("2026-11-29T00:00:00Z"), new Date("2026-11-30T00:00:00Z")],
          Values: [200, 0],
        },
        {
          Id: "s0",
          Label: siteFunctionName(SHOP, "dep0000001", "image"),
          Timestamps: [new Date("2026-11-29T00:00:00Z")],
          Values: [100],
        },
        {
          Id: "s1",
          Label: siteFunctionName(BLOG, "dep0000002", "server"),
          Timestamps: [new Date("2026-11-29T00:00:00Z")],
          Values: [100],
        },
        // A function the search found that is no site's: ignored, not attributed.
        { Id: "s1", Label: "blog000002-cron", Timestamps: [new Date("2026-11-29T00:00:00Z")], Values: [5000] },
      ],
    });
    const { cache, days, state } = memoryCache();

    const result = await refresh(cache)();

    expect(result).toEqual({ from: "2026-11-17", to: "2026-12-01", sites: 2, tagsActive: true });
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)[0]?.args[0].input).toEqual({
      CostAllocationTagsStatus: [
        { TagKey: "slipway:site", Status: "Active" },
        { TagKey: "slipway:stack", Status: "Active" },
      ],
    });
    const pages = ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toEqual({
      TimePeriod: { Start: "2026-11-17", End: "2026-12-01" },
      Granularity: "DAILY",
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "TAG", Key: "slipway:site" }],
      Filter: {
        Or: [
          { Tags: { Key: "slipway:stack", Values: ["Slipway"], MatchOptions: ["EQUALS"] } },
          { Tags: { Key: "slipway:site", Values: [SHOP, BLOG], MatchOptions: ["EQUALS"] } },
        ],
      },
    });
    expect(pages[1]?.NextPageToken).toBe("page2");
    const metrics = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(metrics?.StartTime).toEqual(new Date("2026-11-17T00:00:00Z"));
    expect(metrics?.EndTime).toEqual(new Date("2026-12-01T00:00:00Z"));
    expect(metrics?.MetricDataQueries?.map((q) => q.Expression)).toEqual([
      `SEARCH('{AWS/Lambda,FunctionName} MetricName="Invocations" FunctionName=${SHOP}', 'Sum', 86400)`,
      `SEARCH('{AWS/Lambda,FunctionName} MetricName="Invocations" FunctionName=${BLOG}', 'Sum', 86400)`,
    ]);
    // By hand. 11-29: shared $3.00, shop 300 invocations, blog 100 → shop 3 × 3/4 = 2.25, blog 0.75.
    // 11-30: shared $1.00 and no invocation at all → split equally, 0.50 each.
    expect(days.get(SHOP)).toEqual([
      { date: "2026-11-29", taggedUsd: 0.4, sharedUsd: 2.25, invocations: 300 },
      { date: "2026-11-30", taggedUsd: 0, sharedUsd: 0.5, invocations: 0 },
    ]);
    expect(days.get(BLOG)).toEqual([
      { date: "2026-11-29", taggedUsd: 0, sharedUsd: 0.75, invocations: 100 },
      { date: "2026-11-30", taggedUsd: 0.1, sharedUsd: 0.5, invocations: 0 },
    ]);
    expect(state()).toEqual({ asOf: NOW.toISOString(), tagsActivatedAt: NOW.toISOString() });
  });

  it("keeps trying to activate tags Billing does not know yet, and never again once they are active", async () => {
    ce.on(UpdateCostAllocationTagsStatusCommand).resolves({
      Errors: [{ TagKey: "slipway:site", Code: "TagKeysNotFoundException", Message: "not found" }],
    });
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const first = memoryCache();
    expect((await refresh(first.cache)()).tagsActive).toBe(false);
    expect(first.state().tagsActivatedAt).toBeNull();

    // A member account of an organization may not activate tags at all: the costs are fetched anyway.
    ce.on(UpdateCostAllocationTagsStatusCommand).rejects(new Error("AccessDeniedException: management account only"));
    const member = memoryCache();
    const lines: string[] = [];
    const memberRefresh = createSiteCostRefresh({
      cache: member.cache,
      stackName: "Slipway",
      sites: async () => [SHOP],
      costExplorer: { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
      cloudWatch: { region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
      now: () => NOW,
      log: (line) => lines.push(line),
    });
    expect((await memberRefresh()).tagsActive).toBe(false);
    expect(member.state().asOf).toBe(NOW.toISOString());
    expect(lines[0]).toContain("management account");

    ce.resetHistory();
    const active = memoryCache({ asOf: null, tagsActivatedAt: "2026-11-01T00:00:00.000Z" });
    expect((await refresh(active.cache)()).tagsActive).toBe(true);
    expect(ce.commandCalls(UpdateCostAllocationTagsStatusCommand)).toHaveLength(0);
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(1);
  });
});
