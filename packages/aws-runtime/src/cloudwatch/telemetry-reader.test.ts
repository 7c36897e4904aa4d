import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Deployment } from "@slipway/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { siteFunctionName } from "../deployer/names.ts";
import { formatRequestLine } from "../server-function/request-log.ts";
import { seqOf } from "./log-events.ts";
import { requestSumsQuery } from "./request-insights.ts";
import { createCloudWatchTelemetryReader, stepOfRange } from "./telemetry-reader.ts";

// The CloudWatch reader against aws-sdk-client-mock answering as CloudWatch Logs and CloudWatch
// do: events from several execution environments' streams (Lambda's own START/REPORT lines among
// them), pages joined by nextToken / NextToken, and lines a function printed that only look like ours.

const logs = mockClient(CloudWatchLogsClient);
const cloudwatch = mockClient(CloudWatchClient);
afterAll(() => {
  logs.restore();
  cloudwatch.restore();
});

const SITE = "prj_shop01";
const OLD = "dpl_old0001";
const NEW = "dpl_new0002";
const NOW = Date.parse("2026-12-01T12:00:00.000Z");
const T = NOW - 60_000;
const server = (deploymentId: string) => siteFunctionName(SITE, deploymentId, "server");
/** An edge-runtime route's own function (the Deployer's `edge<n>`, site-function-plan.ts). */
const edge = (deploymentId: string, n: number) => siteFunctionName(SITE, deploymentId, `edge${n}`);
const stream = (fn: string, env = "3f2a9c0e1b7d4e6f8a5b2c1d0e9f8a7b") => `2026/12/01/${fn}[1]${env}`;
let eventCount = 0;
function event(fn: string, at: number, message: string) {
  eventCount += 1;
  return {
    logStreamName: stream(fn),
    timestamp: at,
    ingestionTime: at + 900,
    message,
    eventId: `3793264${String(eventCount).padStart(10, "0")}82367186917376425318227000000`,
  };
}
const request = (over: Partial<Parameters<typeof formatRequestLine>[0]> = {}) =>
  formatRequestLine({
    requestId: "8f1e5c2a-0b4d-4c7e-9a61-2d3f4b5c6d7e",
    method: "GET",
    path: "/",
    status: 200,
    durationMs: 12.5,
    bytes: 5120,
    coldStart: false,
    ...over,
  });
const consoleLine = (requestId: string, level: string, text: string) =>
  `2026-12-01T11:59:00.120Z\t${requestId}\t${level}\t${text}\n`;

const deployments = {
  async listByProject(projectId: string) {
    return projectId === SITE ? ([{ id: NEW }, { id: OLD }] as Deployment[]) : [];
  },
};
const reader = () =>
  createCloudWatchTelemetryReader({
    logs: { region: "us-east-1" },
    cloudwatch: { region: "us-east-1" },
    deployments,
    memoryMb: { server: 1024, image: 1536 },
    settleMs: 3000,
    now: () => NOW,
  });

beforeEach(() => {
  logs.reset();
  cloudwatch.reset();
});

describe("entries from the site's log group", () => {
  it("reads every page, keeps request and console lines of the site's functions, drops Lambda's own and strangers'", async () => {
    const page1 = [
      event(server(NEW), T, "START RequestId: 8f1e5c2a-0b4d-4c7e-9a61-2d3f4b5c6d7e Version: 1\n"),
      event(server(NEW), T + 1, consoleLine("8f1e5c2a-0b4d-4c7e-9a61-2d3f4b5c6d7e", "INFO", "rendering /")),
      event(server(NEW), T + 2, request()),
      event("slipway-site-other-dpl_zzz-server", T + 3, request({ path: "/not-ours" })),
    ];
    const page2 = [
      event(
        server(NEW),
        T + 4,
        "REPORT RequestId: 8f1e5c2a-0b4d-4c7e-9a61-2d3f4b5c6d7e\tDuration: 14.01 ms\tBilled Duration: 15 ms\tMemory Size: 1024 MB\tMax Memory Used: 180 MB\tInit Duration: 412.33 ms\t\n",
      ),
      event(server(OLD), T + 5, consoleLine("undefined", "WARN", "cache miss on boot")),
      event(server(OLD), T + 6, request({ requestId: "r-old", path: "/blog", status: 404, coldStart: true })),
    ];
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: page1, nextToken: "page-2", searchedLogStreams: [] })
      .resolvesOnce({ events: page2 });

    // Four asked for, four in the last five minutes: no need to look further back.
    const entries = await reader().entries({ projectId: SITE, limit: 4 });

    const calls = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { logGroupName: `/slipway/sites/${SITE}`, startTime: NOW - 3000 - 5 * 60_000, endTime: NOW - 3000 },
      expect.objectContaining({ nextToken: "page-2" }),
    ]);
    expect(entries.map((e) => (e.kind === "request" ? `${e.deploymentId} ${e.status} ${e.path}` : e.text))).toEqual([
      "rendering /",
      `${NEW} 200 /`,
      "cache miss on boot",
      `${OLD} 404 /blog`,
    ]);
    expect(entries[0]).toMatchObject({
      kind: "log",
      level: "info",
      requestId: "8f1e5c2a-0b4d-4c7e-9a61-2d3f4b5c6d7e",
      deploymentId: NEW,
      at: new Date(T + 1).toISOString(),
    });
    expect(entries[2]).toMatchObject({ kind: "log", level: "warn", requestId: null, deploymentId: OLD });
    expect(entries[3]).toMatchObject({
      kind: "request",
      projectId: SITE,
      requestId: "r-old",
      method: "GET",
      durationMs: 12.5,
      bytes: 5120,
      coldStart: true,
      servedBy: "function",
      cache: null,
    });
    const seqs = entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(String(Math.max(...seqs)).length).toBeLessThanOrEqual(15);
  });

  it("a tail asks from its cursor's millisecond on and gets only what follows the cursor", async () => {
    const sent = event(server(NEW), T, request({ path: "/sent" }));
    const fresh = event(server(NEW), T + 10, request({ path: "/fresh" }));
    logs.on(FilterLogEventsCommand).resolves({ events: [sent, fresh] });
    const cursor = seqOf(sent.timestamp, sent.eventId);

    const entries = await reader().entries({ projectId: SITE, afterSeq: cursor, limit: 10 });

    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toMatchObject({
      startTime: T,
      endTime: NOW - 3000,
    });
    expect(entries.map((e) => e.kind === "request" && e.path)).toEqual(["/fresh"]);
  });

  it("never takes a line that only looks like a request line for a request", async () => {
    const forged = [
      '{"slipway":"request","requestId":"x","method":"GET","path":"/","status":"200","durationMs":1,"bytes":1,"coldStart":false}',
      '{"slipway":"request","requestId":"x","method":"GET","path":"/","status":999,"durationMs":1,"bytes":1,"coldStart":false}',
      '{"slipway":"request","requestId":"x","method":"<script>","path":"/","status":200,"durationMs":1,"bytes":1,"coldStart":false}',
      '{"slipway":"request","requestId":"x","method":"GET","path":"/","status":200,"durationMs":-1,"bytes":1,"coldStart":false}',
      '{"slipway":"request", broken',
    ];
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        ...forged.map((message, i) => event(server(NEW), T + i, message)),
        { message: request(), eventId: "no-stream-no-time" },
      ],
    });

    const entries = await reader().entries({ projectId: SITE, limit: 100 });

    expect(entries.map((e) => e.kind)).toEqual(["log", "log", "log", "log", "log"]);
    expect(entries.map((e) => e.kind === "log" && e.text)).toEqual(forged);
  });

  it("filters 5xx and one deployment in CloudWatch's pattern and here; a site that never ran has no entries", async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        event(server(NEW), T, request({ status: 503 })),
        event(server(OLD), T + 1, request({ status: 500 })),
        event(server(OLD), T + 2, request({ status: 200 })),
      ],
    });
    const failed = await reader().entries({
      projectId: SITE,
      deploymentId: OLD,
      status: { min: 500, max: 599 },
      limit: 10,
    });
    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input.filterPattern).toBe(
      '{ $.slipway = "request" && $.status >= 500 && $.status <= 599 }',
    );
    expect(failed.map((e) => e.kind === "request" && `${e.deploymentId} ${e.status}`)).toEqual([`${OLD} 500`]);

    logs.reset();
    logs
      .on(FilterLogEventsCommand)
      .rejects(
        Object.assign(new Error("The specified log group does not exist."), { name: "ResourceNotFoundException" }),
      );
    expect(await reader().entries({ projectId: SITE, limit: 10 })).toEqual([]);
  });

  it("looks further back when the last minutes hold fewer than asked for", async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [event(server(NEW), NOW - 4000, request({ path: "/recent" }))] })
      .resolvesOnce({
        events: [
          event(server(NEW), NOW - 30 * 60_000, request({ path: "/older" })),
          event(server(NEW), NOW - 4000, request({ path: "/recent" })),
        ],
      });
    const entries = await reader().entries({ projectId: SITE, limit: 2 });
    expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime)).toEqual([
      NOW - 3000 - 5 * 60_000,
      NOW - 3000 - 60 * 60_000,
    ]);
    expect(entries.map((e) => e.kind === "request" && e.path)).toEqual(["/older", "/recent"]);
  });
});

describe("edge-route functions' lines", () => {
  it("are their deployment's entries, served by a function; look-alikes of other sites, deployments or routes are not", async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        event(edge(NEW, 3), T, request({ requestId: "r-edge", path: "/api/edge-hello", coldStart: true })),
        event(edge(OLD, 11), T + 1, consoleLine("r-edge-old", "WARN", "edge says hi")),
        // Another site's, a deployment not of this site, a route number the Deployer never makes.
        event(siteFunctionName("prj_other1", NEW, "edge3"), T + 2, request({ path: "/other-site" })),
        event(edge("dpl_zzz9999", 0), T + 3, request({ path: "/other-deployment" })),
        event(server(NEW).replace(/-server$/, "-edge99"), T + 4, request({ path: "/edge99" })),
        event(edge(NEW, 12), T + 5, request({ path: "/edge12" })),
      ],
    });

    const entries = await reader().entries({ projectId: SITE, limit: 10 });

    expect(entries).toEqual([
      expect.objectContaining({
        kind: "request",
        deploymentId: NEW,
        requestId: "r-edge",
        path: "/api/edge-hello",
        servedBy: "function",
        coldStart: true,
      }),
      expect.objectContaining({ kind: "log", deploymentId: OLD, level: "warn", text: "edge says hi" }),
    ]);
  });

  it("count in error groups", async () => {
    logs.on(FilterLogEventsCommand, { filterPattern: '{ $.slipway = "request" && $.status >= 500 }' }).resolves({
      events: [event(edge(NEW, 0), T, request({ requestId: "r-1", status: 500, path: "/og" }))],
    });
    logs.on(FilterLogEventsCommand, { filterPattern: "ERROR" }).resolves({ events: [] });

    const groups = await reader().errorGroups(SITE, new Date(T - 60_000).toISOString());

    expect(groups).toEqual([
      expect.objectContaining({ message: "HTTP 500 GET /og", count: 1, lastDeploymentId: NEW, lastRequestId: "r-1" }),
    ]);
  });
});

describe("error groups", () => {
  it("groups exceptions by message with their stack; a 5xx with a logged exception counts once", async () => {
    const uncaught = `2026-12-01T11:59:00.120Z\tr-1\tERROR\tUncaught Exception \t${JSON.stringify({
      errorType: "TypeError",
      errorMessage: "Cannot read properties of undefined (reading 'id')",
      stack: ["TypeError: Cannot read properties of undefined (reading 'id')", "    at Page (/var/task/page.js:3:9)"],
    })}\n`;
    logs.on(FilterLogEventsCommand, { filterPattern: '{ $.slipway = "request" && $.status >= 500 }' }).resolves({
      events: [
        event(server(NEW), T, request({ requestId: "r-1", status: 500, path: "/p" })),
        event(server(OLD), T + 5, request({ requestId: "r-2", status: 502, path: "/api/slow" })),
      ],
    });
    logs.on(FilterLogEventsCommand, { filterPattern: "ERROR" }).resolves({
      events: [
        event(server(NEW), T + 1, uncaught),
        event(server(NEW), T + 2, consoleLine("r-3", "ERROR", "Error: db down\n    at query (/var/task/db.js:1:1)")),
        event(server(NEW), T + 3, consoleLine("r-4", "ERROR", "just a message, no stack")),
        event(server(NEW), T + 4, consoleLine("r-5", "ERROR", "Error: db down\n    at query (/var/task/db.js:1:1)")),
      ],
    });

    const groups = await reader().errorGroups(SITE, new Date(T - 60_000).toISOString());

    expect(groups).toEqual([
      {
        message: "HTTP 502 GET /api/slow",
        count: 1,
        firstAt: new Date(T + 5).toISOString(),
        lastAt: new Date(T + 5).toISOString(),
        lastDeploymentId: OLD,
        lastRequestId: "r-2",
        stack: null,
      },
      expect.objectContaining({ message: "Error: db down", count: 2, lastRequestId: "r-5" }),
      expect.objectContaining({
        message: "TypeError: Cannot read properties of undefined (reading 'id')",
        count: 1,
        lastRequestId: "r-1",
        stack: expect.stringContaining("at Page (/var/task/page.js:3:9)"),
      }),
    ]);
  });
});

/**
 * A Logs Insights answer row (request-insights.ts) of the functions of `deploymentId`, `edge` of
 * its `n` lines from edge-route functions, which took `edgeMs` together.
 */
const insightsRow = (
  deploymentId: string,
  period: Date,
  bucket: number,
  klass: number,
  n: number,
  out: number,
  edge = { n: 0, ms: 0 },
) =>
  Object.entries({
    "bin(60s)": period.toISOString().replace("T", " ").replace("Z", ""),
    fn: server(deploymentId).replace(/-server$/, ""),
    bucket: String(bucket),
    class: String(klass),
    n: String(n),
    out: String(out),
    edge: String(edge.n),
    edgeMs: String(edge.ms),
  }).map(([field, value]) => ({ field, value }));

describe("metrics from Lambda's own metrics and the request lines", () => {
  beforeEach(() => {
    logs.on(StartQueryCommand).resolves({ queryId: "q" });
    logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [] });
  });

  it("sums each deployment's functions per period, over every page, as MetricPoints", async () => {
    const minute = (i: number) => new Date(NOW - 3_600_000 + i * 60_000);
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: "f0_invocations", Timestamps: [minute(0), minute(1)], Values: [10, 4], StatusCode: "Complete" },
          { Id: "f0_duration", Timestamps: [minute(0)], Values: [2500], StatusCode: "Complete" },
          { Id: "f1_invocations", Timestamps: [minute(0)], Values: [3], StatusCode: "Complete" },
          { Id: "f1_duration", Timestamps: [minute(0)], Values: [1000], StatusCode: "Complete" },
        ],
        NextToken: "more",
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: "f0_errors", Timestamps: [minute(1)], Values: [2], StatusCode: "Complete" },
          { Id: "f0_throttles", Timestamps: [minute(1)], Values: [1], StatusCode: "Complete" },
          { Id: "f2_invocations", Timestamps: [minute(0)], Values: [7], StatusCode: "Complete" },
          { Id: "not_asked", Timestamps: [minute(0)], Values: [1000], StatusCode: "Complete" },
        ],
      });

    // Cold starts from the request lines that say so (one counted; the filter's other match is not one).
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        event(server(NEW), minute(1).getTime() + 30_000, request({ coldStart: true })),
        event(server(NEW), minute(1).getTime() + 31_000, request({ coldStart: false })),
      ],
    });

    // Latency, bytes out and 5xx answers from the request lines, through Logs Insights.
    logs.on(GetQueryResultsCommand).resolves({
      status: "Complete",
      results: [
        insightsRow(NEW, minute(0), 50, 2, 8, 8000),
        insightsRow(NEW, minute(0), 70, 2, 2, 2000),
        insightsRow(NEW, minute(1), 60, 5, 3, 0),
        insightsRow(OLD, minute(0), 40, 3, 7, 700),
      ],
    });

    const points = await reader().metrics(SITE, NOW - 3_600_000, NOW);
    expect(logs.commandCalls(StartQueryCommand)[0]?.args[0].input).toMatchObject({
      logGroupName: `/slipway/sites/${SITE}`,
      startTime: (NOW - 3_600_000) / 1000,
      queryString: requestSumsQuery(60),
    });
    expect(logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input.filterPattern).toBe(
      '{ $.slipway = "request" && $.coldStart IS TRUE }',
    );

    const [first, second] = cloudwatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(second?.NextToken).toBe("more");
    const queries = first?.MetricDataQueries ?? [];
    expect(queries).toHaveLength(2 * 2 * 4);
    expect(queries[0]).toEqual({
      Id: "f0_invocations",
      MetricStat: {
        Metric: {
          Namespace: "AWS/Lambda",
          MetricName: "Invocations",
          Dimensions: [{ Name: "FunctionName", Value: server(NEW) }],
        },
        Period: 60,
        Stat: "Sum",
      },
      ReturnData: true,
    });
    expect(points).toEqual([
      {
        projectId: SITE,
        deploymentId: NEW,
        resolution: "minute",
        start: minute(0).getTime(),
        requests: 13,
        invocations: 13,
        errors: 0,
        // 2.5 s at 1 GB (server) + 1 s at 1.5 GB (image)
        gbSeconds: 4,
        coldStarts: 0,
        bytesOut: 10_000,
        latency: { "50": 8, "70": 2 },
      },
      { ...emptyPoint(OLD, minute(0).getTime()), requests: 7, invocations: 7, bytesOut: 700, latency: { "40": 7 } },
      // 1 throttle + the larger of 2 Errors and 3 5xx answers (a handler that threw is both).
      {
        ...emptyPoint(NEW, minute(1).getTime()),
        requests: 5,
        invocations: 4,
        errors: 4,
        coldStarts: 1,
        latency: { "60": 3 },
      },
    ]);
  });

  it("counts edge-route functions' requests, GB-seconds and cold starts from their lines, asking Lambda for none of their metrics", async () => {
    const minute = (i: number) => new Date(NOW - 3_600_000 + i * 60_000);
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: "f0_invocations", Timestamps: [minute(0)], Values: [10], StatusCode: "Complete" }],
    });
    logs.on(FilterLogEventsCommand).resolves({
      events: [event(edge(NEW, 2), minute(0).getTime() + 5_000, request({ coldStart: true }))],
    });
    // 13 request lines: the server's 10 (already its Invocations) and 3 of edge functions, 2 s in all.
    logs.on(GetQueryResultsCommand).resolves({
      status: "Complete",
      results: [insightsRow(NEW, minute(0), 50, 2, 13, 1300, { n: 3, ms: 2000 })],
    });

    const points = await reader().metrics(SITE, NOW - 3_600_000, NOW);

    const queries = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(queries).toHaveLength(2 * 2 * 4);
    expect(queries.map((q) => q.MetricStat?.Metric?.Dimensions?.[0]?.Value)).not.toContain(edge(NEW, 0));
    expect(points).toEqual([
      {
        ...emptyPoint(NEW, minute(0).getTime()),
        requests: 13,
        invocations: 13,
        // 2 s at the server's 1 GB
        gbSeconds: 2,
        coldStarts: 1,
        bytesOut: 1300,
        latency: { "50": 13 },
      },
    ]);
  });

  it("asks for one deployment's functions only, by the window's step", async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    await reader().metrics(SITE, NOW - 7 * 86_400_000, NOW, OLD);
    const queries = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(new Set(queries.map((q) => q.MetricStat?.Metric?.Dimensions?.[0]?.Value))).toEqual(
      new Set([server(OLD), siteFunctionName(SITE, OLD, "image")]),
    );
    expect(new Set(queries.map((q) => q.MetricStat?.Period))).toEqual(new Set([3600]));
  });
});

describe("the step of a range the routes ask for", () => {
  it("is the window's step although the range starts up to a step earlier", () => {
    const MINUTE = 60_000;
    const HOUR = 60 * MINUTE;
    const to = Date.parse("2026-12-01T12:34:56.789Z");
    // What the metrics route asks: floor(from / step) * step for the window's step.
    const asked = (window: number, step: number) => stepOfRange(Math.floor((to - window) / step) * step, to);
    expect(asked(HOUR, MINUTE)).toBe(MINUTE);
    expect(asked(24 * HOUR, 15 * MINUTE)).toBe(15 * MINUTE);
    expect(asked(7 * 24 * HOUR, HOUR)).toBe(HOUR);
    expect(asked(30 * 24 * HOUR, 24 * HOUR)).toBe(24 * HOUR);
    expect(asked(2 * HOUR, 15 * MINUTE)).toBe(15 * MINUTE);
    // The usage route's range is exactly its window.
    expect(stepOfRange(to - 30 * 24 * HOUR, to)).toBe(24 * HOUR);
    expect(stepOfRange(to - HOUR, to)).toBe(MINUTE);
    expect(stepOfRange(to - 1000, to)).toBe(MINUTE);
  });

  it("a 1 h chart asked from a whole minute gets minute points from Lambda and Insights", async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    logs.on(StartQueryCommand).resolves({ queryId: "q" });
    logs.on(GetQueryResultsCommand).resolves({ status: "Complete", results: [] });
    const now = NOW + 42_500;
    await reader().metrics(SITE, Math.floor((now - 3_600_000) / 60_000) * 60_000, now);
    const queries = cloudwatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input.MetricDataQueries ?? [];
    expect(new Set(queries.map((q) => q.MetricStat?.Period))).toEqual(new Set([60]));
    expect(logs.commandCalls(StartQueryCommand)[0]?.args[0].input.queryString).toBe(requestSumsQuery(60));
  });
});

function emptyPoint(deploymentId: string, start: number) {
  return {
    projectId: SITE,
    deploymentId,
    resolution: "minute",
    start,
    requests: 0,
    invocations: 0,
    errors: 0,
    gbSeconds: 0,
    coldStarts: 0,
    bytesOut: 0,
    latency: {},
  };
}
