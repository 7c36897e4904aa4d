import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { siteFunctionName } from "../deployer/names.ts";
import { fetchSiteInvocations, siteFunctionStem } from "./lambda-traffic.ts";

const cw = mockClient(CloudWatchClient);
afterEach(() => cw.reset());
const client = () =>
  new CloudWatchClient({ region: "eu-west-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });

describe("fetchSiteInvocations", () => {
  it("asks for 50 sites a request, follows NextToken, and sums each site's functions per UTC day", async () => {
    const sites = Array.from({ length: 51 }, (_, i) => `site${String(i).padStart(6, "0")}`);
    const first = sites[0] as string;
    const last = sites[50] as string;
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {
            Label: siteFunctionName(first, "dep0000001", "server"),
            Timestamps: [new Date("2026-11-30T00:00:00Z")],
            Values: [7],
          },
        ],
        NextToken: "more",
      })
      .resolvesOnce({
        MetricDataResults: [
          {
            Label: siteFunctionName(first, "dep0000002", "server"),
            Timestamps: [new Date("2026-11-30T00:00:00Z")],
            Values: [3],
          },
        ],
      })
      .resolvesOnce({
        MetricDataResults: [
          {
            Label: siteFunctionName(last, "dep0000003", "image"),
            Timestamps: [new Date("2026-11-29T00:00:00Z")],
            Values: [2],
          },
        ],
      });

    const traffic = await fetchSiteInvocations(client(), { sites, from: "2026-11-17", to: "2026-12-01" });

    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.MetricDataQueries?.length, c.NextToken])).toEqual([
      [50, undefined],
      [50, "more"],
      [1, undefined],
    ]);
    expect(traffic.get(first)).toEqual(new Map([["2026-11-30", 10]]));
    expect(traffic.get(last)).toEqual(new Map([["2026-11-29", 2]]));
  });

  it("matches a function to its site on the whole name prefix the Deployer gives it", () => {
    expect(siteFunctionStem("shop000001")).toBe("slipway-site-shop000001-");
    expect(siteFunctionName("shop000001", "abcdef1234", "server").startsWith(siteFunctionStem("shop000001"))).toBe(
      true,
    );
    expect(siteFunctionName("shop0000010", "abcdef1234", "server").startsWith(siteFunctionStem("shop000001"))).toBe(
      false,
    );
  });
});
