import { CloudWatchClient, type CloudWatchClientConfig } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from "@aws-sdk/client-cloudwatch-logs";
import {
  type Deployment,
  type DeploymentListOptions,
  type DroppedCounts,
  type EntryQuery,
  type ErrorEvent,
  type ErrorGroup,
  groupErrors,
  type MetricPoint,
  mergeHistograms,
  NO_DROPS,
  stepFor,
  type TelemetryEntry,
  type TelemetryReader,
} from "@slipway/core";
import { type SiteFunctionRole, siteLogGroupName } from "../deployer/names.ts";
import { filterEvents } from "./filter-events.ts";
import { lambdaMetricSums, resolutionOf } from "./lambda-metrics.ts";
import { type FunctionOwners, type LogEvent, timeOfSeq, toEntry, toErrorEvent } from "./log-events.ts";
import { type InsightsLimits, requestSums } from "./request-insights.ts";
import { deploymentFunctions, deploymentOfFunctionBase, type OwnedFunction } from "./site-functions.ts";

export interface CloudWatchTelemetryOptions {
  readonly logs: CloudWatchLogsClientConfig;
  readonly cloudwatch: CloudWatchClientConfig;
  /** The site's deployments, newest first (the Store's): which functions are the site's. */
  readonly deployments: { listByProject(projectId: string, options?: DeploymentListOptions): Promise<Deployment[]> };
  /**
   * The functions' memory (what the Deployer gives them): Duration × memory is Lambda's GB-seconds.
   * An edge route's function has the server's.
   */
  readonly memoryMb: Readonly<Record<SiteFunctionRole, number>>;
  /**
   * Lambda delivers a line to CloudWatch seconds after it was written, and from several execution
   * environments out of order: lines younger than this are not shown yet, so a tail's cursor never
   * passes a line still on its way. @default 3000
   */
  readonly settleMs?: number;
  /** FilterLogEvents pages one call may read (a page holds up to 1 MB). @default 20 */
  readonly maxPages?: number;
  /** @default 50 (GetMetricData's 500 queries hold 4 metrics × 2 functions of 62) */
  readonly maxDeployments?: number;
  /** The bound on the Logs Insights query behind latency, bytes out and 5xx counts. */
  readonly insights?: InsightsLimits;
  readonly now?: () => number;
}

const MINUTE = 60_000;
/** How far back "the newest entries" looks, widening until it has enough. */
const NEWEST_WINDOWS = [5 * MINUTE, 60 * MINUTE, 24 * 60 * MINUTE, 7 * 24 * 60 * MINUTE];
const REQUEST_LINES = '{ $.slipway = "request" }';

/**
 * The observability routes' reader on AWS: entries and errors from the site's log group
 * (FilterLogEvents), metrics from Lambda's own per-function metrics (GetMetricData) and, for what
 * only the request lines know (latency as the viewer saw it, bytes out, 5xx answers), one Logs
 * Insights query over the group (request-insights.ts says why not Lambda's Duration). Nothing is
 * written or compacted here: the site functions write their lines to CloudWatch themselves and
 * the log group's retention expires them (so `dropped` has nothing of Slipway's to count).
 */
export function createCloudWatchTelemetryReader(options: CloudWatchTelemetryOptions): TelemetryReader {
  const logs = new CloudWatchLogsClient(options.logs);
  const cloudwatch = new CloudWatchClient(options.cloudwatch);
  const now = options.now ?? Date.now;
  const settleMs = options.settleMs ?? 3000;
  const maxPages = options.maxPages ?? 20;
  const maxDeployments = options.maxDeployments ?? 50;

  async function functionsOf(projectId: string, deploymentId?: string): Promise<OwnedFunction[]> {
    const deployments = await options.deployments.listByProject(projectId, { limit: maxDeployments });
    return deployments
      .filter((d) => deploymentId === undefined || d.id === deploymentId)
      .flatMap((d) => deploymentFunctions(projectId, d.id));
  }

  async function ownersOf(projectId: string): Promise<FunctionOwners> {
    return new Map((await functionsOf(projectId)).map((fn) => [fn.name, fn]));
  }

  function matches(entry: TelemetryEntry, query: EntryQuery): boolean {
    if (query.deploymentId && entry.deploymentId !== query.deploymentId) return false;
    if (query.kind && entry.kind !== query.kind) return false;
    if (
      query.status &&
      (entry.kind !== "request" || entry.status < query.status.min || entry.status > query.status.max)
    )
      return false;
    if (query.afterSeq !== undefined && entry.seq <= query.afterSeq) return false;
    return true;
  }

  async function read(
    query: EntryQuery,
    owners: FunctionOwners,
    startTime: number,
    endTime: number,
    enough?: (events: readonly LogEvent[]) => boolean,
  ) {
    const filterPattern = query.status
      ? `{ $.slipway = "request" && $.status >= ${query.status.min} && $.status <= ${query.status.max} }`
      : query.kind === "request"
        ? REQUEST_LINES
        : undefined;
    const found = await filterEvents(
      logs,
      {
        logGroupName: siteLogGroupName(query.projectId),
        startTime,
        endTime,
        ...(filterPattern ? { filterPattern } : {}),
      },
      { maxPages, ...(enough ? { enough } : {}) },
    );
    const entries = found.events
      .map((event) => toEntry(event, query.projectId, owners))
      .filter((entry): entry is TelemetryEntry => entry !== null && matches(entry, query))
      .sort((a, b) => a.seq - b.seq);
    return { entries, truncated: found.truncated };
  }

  async function entries(query: EntryQuery): Promise<TelemetryEntry[]> {
    const owners = await ownersOf(query.projectId);
    const end = now() - settleMs;
    const since = query.sinceAt ? Date.parse(query.sinceAt) : 0;
    if (query.afterSeq !== undefined) {
      // The oldest after the cursor: from the cursor's millisecond on (the seq check drops what was sent).
      const start = Math.max(since, timeOfSeq(query.afterSeq));
      if (start > end) return [];
      const { entries: after } = await read(query, owners, start, end, (events) => events.length >= query.limit * 2);
      return after.slice(0, query.limit);
    }
    // The newest `limit`: FilterLogEvents reads forward in time, so look back a little, then further.
    let newest: TelemetryEntry[] = [];
    for (const window of NEWEST_WINDOWS) {
      const start = Math.max(since, end - window);
      if (start > end) break;
      const found = await read(query, owners, start, end);
      newest = found.entries;
      if (newest.length >= query.limit || start === since || found.truncated) break;
    }
    return newest.slice(-query.limit);
  }

  async function errorGroups(projectId: string, sinceAt: string): Promise<ErrorGroup[]> {
    const owners = await ownersOf(projectId);
    const logGroupName = siteLogGroupName(projectId);
    const window = { startTime: Date.parse(sinceAt), endTime: now() };
    // Two reads: JSON and text patterns cannot be or-ed in one filter.
    const [failed, logged] = await Promise.all([
      filterEvents(
        logs,
        { logGroupName, ...window, filterPattern: '{ $.slipway = "request" && $.status >= 500 }' },
        { maxPages },
      ),
      filterEvents(logs, { logGroupName, ...window, filterPattern: "ERROR" }, { maxPages }),
    ]);
    const events = [...failed.events, ...logged.events]
      .map((event) => toErrorEvent(event, projectId, owners))
      .filter((e): e is ErrorEvent => e !== null);
    // As locally: a 5xx whose request logged its exception counts once, as the exception.
    const withStack = new Set(events.filter((e) => e.stack !== null && e.requestId).map((e) => e.requestId));
    return groupErrors(events.filter((e) => e.stack !== null || !e.requestId || !withStack.has(e.requestId)));
  }

  async function metrics(projectId: string, from: number, to: number, deploymentId?: string): Promise<MetricPoint[]> {
    const functions = await functionsOf(projectId, deploymentId);
    if (functions.length === 0 || to <= from) return [];
    const periodSeconds = stepOfRange(from, to) / 1000;
    const periodMs = periodSeconds * 1000;
    const logGroupName = siteLogGroupName(projectId);
    const [sums, requests, colds] = await Promise.all([
      lambdaMetricSums(cloudwatch, { functions: functions.filter(isMetered), from, to, periodSeconds }),
      requestSums(
        logs,
        { logGroupName, from, to, periodSeconds, deploymentOf: deploymentOfFunctionBase(functions) },
        { ...options.insights, now },
      ),
      // Cold starts are rare, so their request lines are few: counted from the log, not a custom metric.
      filterEvents(
        logs,
        {
          logGroupName,
          startTime: from,
          endTime: to,
          filterPattern: '{ $.slipway = "request" && $.coldStart IS TRUE }',
        },
        { maxPages },
      ),
    ]);
    const points = new Map<string, Counts>();
    const pointOf = (deploymentId: string, start: number) => {
      const key = `${deploymentId} ${start}`;
      const point = points.get(key) ?? { deploymentId, start, ...zero(), functionErrors: 0, answered5xx: 0 };
      points.set(key, point);
      return point;
    };
    const owners = new Map(functions.map((fn) => [fn.name, fn]));
    for (const event of colds.events) {
      const entry = toEntry(event, projectId, owners);
      if (entry?.kind !== "request" || !entry.coldStart) continue;
      pointOf(entry.deploymentId, Math.floor(Date.parse(entry.at) / periodMs) * periodMs).coldStarts += 1;
    }
    for (const sum of sums) {
      const point = pointOf(sum.deploymentId, sum.start);
      if (sum.metric === "Invocations") {
        point.invocations += sum.value;
        point.requests += sum.value;
      } else if (sum.metric === "Throttles") {
        // Refused before the app ran: a request that failed, never an invocation.
        point.requests += sum.value;
        point.errors += sum.value;
      } else if (sum.metric === "Errors") point.functionErrors += sum.value;
      else point.gbSeconds += (sum.value / 1000) * (options.memoryMb[sum.kind] / 1024);
    }
    if (requests.truncated) {
      // More (period, deployment, bucket, class) rows than one answer holds: the histograms miss
      // the rest. Said in the API function's log; the counts from Lambda are whole (edge-route
      // functions' requests, counted from these rows, are not).
      console.warn(`slipway: Logs Insights answer for ${logGroupName} cut at its row limit`);
    }
    for (const sum of requests.sums) {
      const point = pointOf(sum.deploymentId, sum.start);
      point.bytesOut += sum.bytesOut;
      point.answered5xx += sum.failed;
      mergeHistograms(point.latency, sum.latency);
      // Edge-route functions are counted from their request lines (isMetered says why).
      point.invocations += sum.edgeRequests;
      point.requests += sum.edgeRequests;
      point.gbSeconds += (sum.edgeMs / 1000) * (options.memoryMb.server / 1024);
    }
    const resolution = resolutionOf(periodSeconds);
    return [...points.values()]
      .filter((p) => p.start >= Math.floor(from / (periodSeconds * 1000)) * periodSeconds * 1000)
      .sort((a, b) => a.start - b.start)
      .map(({ functionErrors, answered5xx, ...p }) => ({
        projectId,
        resolution,
        ...p,
        // Locally an error is a 5xx answer. Lambda's Errors count what threw or timed out (a page
        // that throws inside Next is a 500 answer, not an Error); a handler that threw is both (the
        // entry logs it as a 500). The larger of the two never counts one failure twice.
        errors: p.errors + Math.max(functionErrors, answered5xx),
      }));
  }

  return {
    name: "cloudwatch",
    entries,
    errorGroups,
    metrics,
    // CloudWatch expires a site's lines by its log group's retention; Slipway drops nothing itself.
    dropped: async (): Promise<DroppedCounts> => NO_DROPS,
  };
}

type Counts = {
  deploymentId: string;
  start: number;
  requests: number;
  errors: number;
  coldStarts: number;
  gbSeconds: number;
  bytesOut: number;
  invocations: number;
  latency: Record<string, number>;
  /** Lambda's Errors and the 5xx request lines, combined once all are in. */
  functionErrors: number;
  answered5xx: number;
};

const STEPS = [MINUTE, 15 * MINUTE, 60 * MINUTE, 24 * 60 * MINUTE];

/**
 * The chart's step for a range the routes asked for: they start it at a whole step before the
 * window (`floor(from / step) * step`), so the range is up to one step longer than the window and
 * `stepFor` of its length would pick the next coarser step at every default (1 h, 24 h, 7 d): a
 * 1 h chart of 15-minute points. The step is the one `stepFor` gives once that slack is taken off.
 */
export function stepOfRange(from: number, to: number): number {
  return STEPS.find((step) => stepFor(to - from - step + 1) === step) ?? stepFor(to - from);
}

/**
 * Whose Lambda metrics are asked for: the server and image functions, not the edge routes'. Their
 * metrics are billed per metric asked for, and the reader cannot know which of `edge0`…`edge11` a
 * deployment has: 12 × 4 more per deployment would be ~2,800 metrics for a 50-deployment chart
 * (a SEARCH finds only functions with data in the last two weeks, and its terms match name tokens
 * loosely). Their request lines are already in the Insights query, which counts them apart
 * (`sum.edgeRequests`, one line per request the entry answered) at no extra cost, and only theirs:
 * the server's requests are its Invocations, never its lines too. GB-seconds for them are their
 * request durations × the server's memory, close to Lambda's Duration for a streamed answer. What
 * this leaves out: an edge function's Throttles and Errors that wrote no request line (a timeout).
 */
function isMetered(fn: OwnedFunction): fn is OwnedFunction & { kind: SiteFunctionRole } {
  return fn.kind !== "edge";
}

const zero = () => ({ requests: 0, errors: 0, coldStarts: 0, gbSeconds: 0, bytesOut: 0, invocations: 0, latency: {} });
