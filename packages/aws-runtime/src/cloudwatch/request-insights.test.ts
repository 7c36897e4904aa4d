import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { LATENCY_BUCKETS, LATENCY_FLOOR_MS, LATENCY_RATIO, latencyBucket } from "@slipway/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_ROWS, requestSums, requestSumsQuery } from "./request-insights.ts";

// The Logs Insights query behind latency and bytes out on AWS, against aws-sdk-client-mock
// answering as CloudWatch Logs does: StartQuery, then GetQueryResults Running… Complete, rows as
// lists of { field, value } strings. The rows are treated as untrusted.

const logs = mockClient(CloudWatchLogsClient);
afterAll(() => logs.restore());
beforeEach(() => logs.reset());

const client = new CloudWatchLogsClient({ region: "us-east-1" });
const GROUP = "/slipway/sites/prj_shop01";
const NOW = Date.parse("2026-12-01T12:00:00.000Z");
const HOUR = 3_600_000;
const deploymentOf = new Map([
  ["slipway-site-prj_shop01-dpl_new0002", "dpl_new0002"],
  ["slipway-site-prj_shop01-dpl_old0001", "dpl_old0001"],
]);
const input = { logGroupName: GROUP, from: NOW - HOUR, to: NOW, periodSeconds: 60, deploymentOf };
/** A fake clock the polls advance: no real waiting. */
function clock() {
  let t = NOW;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}
const row = (over: Record<string, string>): ResultField[] =>
  Object.entries({
    "bin(60s)": "2026-12-01 11:01:00.000",
    fn: "slipway-site-prj_shop01-dpl_new0002",
    bucket: "50",
    class: "2",
    n: "3",
    out: "3000",
    edge: "0",
    edgeMs: "0",
    ...over,
  }).map(([field, value]) => ({ field, value }));

describe("the query", () => {
  it("counts request lines per period, function, latency bucket and status class, the edge routes' apart", () => {
    expect(requestSumsQuery(900)).toBe(
      [
        'filter @message like /^\\{"slipway":"request",/',
        "filter durationMs >= 0 and bytes >= 0 and status >= 100 and status <= 599",
        "parse @logStream /^\\d{4}\\/\\d{2}\\/\\d{2}\\/(?<fn>[A-Za-z0-9_-]{1,64})-(?<role>[a-z]{5,6}|edge\\d{1,2})\\[/",
        "fields least(189, floor(log(greatest(durationMs, 0.1) / 0.1) / log(1.1))) as bucket",
        "fields floor(status / 100) as class",
        'fields strcontains(role, "edge") as atEdge',
        "fields atEdge * durationMs as edgeDurationMs",
        "stats count(*) as n, sum(bytes) as out, sum(atEdge) as edge, sum(edgeDurationMs) as edgeMs by bin(900s), fn, bucket, class",
        "limit 10000",
      ].join(" | "),
    );
  });

  it("buckets a duration as core's histogram does (the same expression, evaluated here)", () => {
    // The query's expression with the query's constants, as Insights evaluates it.
    const insights = (ms: number) =>
      Math.min(
        LATENCY_BUCKETS - 1,
        Math.floor(Math.log(Math.max(ms, LATENCY_FLOOR_MS) / LATENCY_FLOOR_MS) / Math.log(LATENCY_RATIO)),
      );
    for (const ms of [0, 0.05, 0.1, 0.2, 1, 3.7, 12.5, 99.9, 250, 1234.5, 30_000, 600_000, 1e9]) {
      expect(insights(ms), `${ms} ms`).toBe(latencyBucket(ms));
    }
  });

  it("the stream pattern takes the function name without its role, an edge route's `-edge<n>` included", () => {
    // Insights' regex flavour shares these constructs with JavaScript's.
    const pattern = /^\d{4}\/\d{2}\/\d{2}\/(?<fn>[A-Za-z0-9_-]{1,64})-(?<role>[a-z]{5,6}|edge\d{1,2})\[/;
    expect(requestSumsQuery(60)).toContain(`parse @logStream /${pattern.source}/`);
    for (const role of ["server", "image", "edge3", "edge11"]) {
      const stream = `2026/12/01/slipway-site-prj_shop01-dpl_new0002-${role}[7]3f2a9c0e1b7d4e6f8a5b2c1d0e9f8a7b`;
      expect(pattern.exec(stream)?.groups, role).toEqual({ fn: "slipway-site-prj_shop01-dpl_new0002", role });
    }
    // Not a role the Deployer names: no function name, so the line counts for no deployment.
    for (const role of ["edge", "edge123", "Server", "edgeX"]) {
      const stream = `2026/12/01/slipway-site-prj_shop01-dpl_new0002-${role}[7]3f2a9c0e1b7d4e6f8a5b2c1d0e9f8a7b`;
      expect(pattern.exec(stream), role).toBeNull();
    }
  });
});

describe("requestSums", () => {
  it("starts one bounded query over whole periods, polls until Complete, and sums rows per deployment and period", async () => {
    logs.on(StartQueryCommand).resolves({ queryId: "q-1" });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: "Scheduled" })
      .resolvesOnce({ status: "Running", results: [] })
      .resolvesOnce({
        status: "Complete",
        results: [
          row({}),
          // An edge route's function's line: counted with the deployment's, and apart.
          row({ bucket: "60", n: "1", out: "1.5E3", edge: "1", edgeMs: "12.5" }),
          row({ class: "5", bucket: "80", n: "2", out: "0" }),
          row({ "bin(60s)": "2026-12-01 11:02:00.000", n: "4", out: "400.0" }),
          row({ fn: "slipway-site-prj_shop01-dpl_old0001", n: "7", out: "70" }),
        ],
      });
    const time = clock();
    const { sums, truncated } = await requestSums(client, { ...input, from: NOW - HOUR + 20_000 }, time);

    const start = logs.commandCalls(StartQueryCommand)[0]?.args[0].input;
    expect(start).toEqual({
      logGroupName: GROUP,
      startTime: (NOW - HOUR) / 1000,
      endTime: NOW / 1000 - 1,
      queryString: requestSumsQuery(60),
      limit: MAX_ROWS,
    });
    expect(logs.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { queryId: "q-1" },
      { queryId: "q-1" },
      { queryId: "q-1" },
    ]);
    expect(truncated).toBe(false);
    const minute = (at: string) => Date.parse(`2026-12-01T${at}:00.000Z`);
    expect(sums).toEqual([
      {
        deploymentId: "dpl_new0002",
        start: minute("11:01"),
        requests: 6,
        failed: 2,
        bytesOut: 4500,
        latency: { "50": 3, "60": 1, "80": 2 },
        edgeRequests: 1,
        edgeMs: 13,
      },
      {
        deploymentId: "dpl_new0002",
        start: minute("11:02"),
        requests: 4,
        failed: 0,
        bytesOut: 400,
        latency: { "50": 4 },
        edgeRequests: 0,
        edgeMs: 0,
      },
      {
        deploymentId: "dpl_old0001",
        start: minute("11:01"),
        requests: 7,
        failed: 0,
        bytesOut: 70,
        latency: { "50": 7 },
        edgeRequests: 0,
        edgeMs: 0,
      },
    ]);
  });

  it("skips rows that are not what the query makes: strangers, bad numbers, out of range, outside the window", async () => {
    logs.on(StartQueryCommand).resolves({ queryId: "q-2" });
    logs.on(GetQueryResultsCommand).resolves({
      status: "Complete",
      results: [
        row({ fn: "slipway-site-other-dpl_zzz" }),
        row({ n: "-3" }),
        row({ n: "3e2" }),
        row({ n: "NaN" }),
        row({ out: "Infinity" }),
        row({ out: "-1" }),
        row({ bucket: String(LATENCY_BUCKETS) }),
        row({ bucket: "1.5" }),
        row({ class: "9" }),
        row({ class: "" }),
        row({ "bin(60s)": "2026-12-01T11:01:00Z" }),
        row({ "bin(60s)": "2026-12-01 12:00:00.000" }),
        row({ "bin(60s)": "2026-12-01 10:59:00.000" }),
        row({ "bin(60s)": "2026-12-01 11:01:30.000" }),
        row({ edge: "4" }),
        row({ edge: "-1" }),
        row({ edgeMs: "NaN" }),
        row({}).filter((f) => f.field !== "edge"),
        [{ field: "n", value: "3" }],
        row({}),
      ],
    });
    const { sums } = await requestSums(client, input, clock());
    expect(sums).toEqual([
      {
        deploymentId: "dpl_new0002",
        start: Date.parse("2026-12-01T11:01:00.000Z"),
        requests: 3,
        failed: 0,
        bytesOut: 3000,
        latency: { "50": 3 },
        edgeRequests: 0,
        edgeMs: 0,
      },
    ]);
  });

  it("says when the answer is at GetQueryResults' row limit", async () => {
    logs.on(StartQueryCommand).resolves({ queryId: "q-3" });
    logs
      .on(GetQueryResultsCommand)
      .resolves({ status: "Complete", results: Array.from({ length: MAX_ROWS }, () => row({})) });
    const { sums, truncated } = await requestSums(client, input, clock());
    expect(truncated).toBe(true);
    expect(sums[0]?.requests).toBe(3 * MAX_ROWS);
  });

  it("a site whose log group does not exist yet has no requests", async () => {
    logs
      .on(StartQueryCommand)
      .rejects(
        Object.assign(new Error("The specified log group does not exist."), { name: "ResourceNotFoundException" }),
      );
    expect(await requestSums(client, input, clock())).toEqual({ sums: [], truncated: false });
    expect(logs.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it("stops a query that outlasts the wait and says so, naming the group and the bound", async () => {
    logs.on(StartQueryCommand).resolves({ queryId: "q-4" });
    logs.on(GetQueryResultsCommand).resolves({ status: "Running" });
    logs.on(StopQueryCommand).resolves({ success: true });
    const time = clock();
    await expect(requestSums(client, input, { ...time, maxWaitMs: 5000 })).rejects.toMatchObject({
      code: "METRICS_UNAVAILABLE",
      message: `Latency and bytes of ${GROUP} cannot be read: the Logs Insights query took longer than 5000 ms.`,
    });
    expect(logs.commandCalls(StopQueryCommand).map((c) => c.args[0].input)).toEqual([{ queryId: "q-4" }]);
    // Polls back off (250, 500, 1000, 2000 ms …) and never wait past the bound.
    expect(time.now() - NOW).toBeLessThanOrEqual(5000);
    expect(logs.commandCalls(GetQueryResultsCommand).length).toBeLessThan(8);
  });

  it("a query CloudWatch failed, cancelled or timed out is an error, not an empty chart", async () => {
    for (const status of ["Failed", "Cancelled", "Timeout", "Unknown"] as const) {
      logs.reset();
      logs.on(StartQueryCommand).resolves({ queryId: "q-5" });
      logs.on(GetQueryResultsCommand).resolves({ status });
      await expect(requestSums(client, input, clock())).rejects.toMatchObject({
        code: "METRICS_UNAVAILABLE",
        message: `Latency and bytes of ${GROUP} cannot be read: the Logs Insights query ended ${status}.`,
      });
    }
  });

  it("too many concurrent queries: the error says to retry", async () => {
    logs.on(StartQueryCommand).rejects(
      Object.assign(new Error("Account maximum query concurrency limit of [100] reached."), {
        name: "LimitExceededException",
      }),
    );
    await expect(requestSums(client, input, clock())).rejects.toMatchObject({
      code: "METRICS_UNAVAILABLE",
      message: expect.stringContaining("StartQuery failed: LimitExceededException: Account maximum query concurrency"),
      hint: expect.stringContaining("retry in a minute"),
    });
  });
});
