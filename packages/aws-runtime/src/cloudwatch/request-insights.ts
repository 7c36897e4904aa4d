import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { LATENCY_BUCKETS, LATENCY_FLOOR_MS, LATENCY_RATIO, SlipwayError } from "@slipway/core";
import { REQUEST_LINE_TAG } from "../server-function/request-log.ts";

/**
 * Latency histograms, bytes out and 5xx answers per deployment and period, aggregated by CloudWatch
 * Logs Insights over the site's request lines (request-log.ts).
 *
 * Why Insights and not Lambda's `Duration` p-statistics (GetMetricData, nearly free): Duration is
 * the function's time, not the request the viewer saw (a streamed answer goes on after the handler
 * returns, an image is resized before it), it has no bytes, and percentiles of periods or functions
 * cannot be added up, while the views sum deployments and periods. The request lines hold what the
 * local edge measures; Insights puts each line's duration in core's latency bucket
 * (latency-histogram.ts: 0.1 ms × 1.1^i) so the histograms are the ones the local store keeps and
 * sum the same way. The price is $0.005 per GB the query scans (the whole log group over the
 * window), so a read is one query over the window, bounded in time and rows.
 */

/** What one deployment's function answered in one period. */
export interface RequestSums {
  readonly deploymentId: string;
  /** Start of the period, epoch ms. */
  readonly start: number;
  /** Request lines (each one request the function answered). */
  readonly requests: number;
  readonly failed: number;
  readonly bytesOut: number;
  readonly latency: Readonly<Record<string, number>>;
  /** Of `requests`, those an edge route's function answered, and their summed durationMs. */
  readonly edgeRequests: number;
  readonly edgeMs: number;
}

export interface InsightsLimits {
  /** How long to wait for the query before stopping it. @default 15000 (the API function has 29 s) */
  readonly maxWaitMs?: number;
  /** The first pause between polls; it doubles up to 2 s. @default 250 */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** GetQueryResults returns at most 10,000 rows; a query is asked for no more. */
export const MAX_ROWS = 10_000;

/**
 * The query: the entry's request lines only (raw stdout starting as the entry writes it; console.*
 * output has Lambda's prefix and never matches), fields checked for type and range in the query so
 * a line an app forged with text where numbers belong adds nothing, then counted per period,
 * function (from the stream name Lambda sets, without the role: server, image and edge-route
 * functions of a deployment share rows), latency bucket and status class. The edge-route
 * functions' lines are also counted and timed apart (the reader's requests and GB-seconds for them).
 */
export function requestSumsQuery(periodSeconds: number): string {
  const last = LATENCY_BUCKETS - 1;
  const floor = LATENCY_FLOOR_MS;
  return [
    `filter @message like /^\\{"slipway":"${REQUEST_LINE_TAG}",/`,
    "filter durationMs >= 0 and bytes >= 0 and status >= 100 and status <= 599",
    // The name up to its role suffix (`-server`, `-image`, `-edge3`): the longest match leaves the role out.
    "parse @logStream /^\\d{4}\\/\\d{2}\\/\\d{2}\\/(?<fn>[A-Za-z0-9_-]{1,64})-(?<role>[a-z]{5,6}|edge\\d{1,2})\\[/",
    `fields least(${last}, floor(log(greatest(durationMs, ${floor}) / ${floor}) / log(${LATENCY_RATIO}))) as bucket`,
    "fields floor(status / 100) as class",
    'fields strcontains(role, "edge") as atEdge',
    "fields atEdge * durationMs as edgeDurationMs",
    `stats count(*) as n, sum(bytes) as out, sum(atEdge) as edge, sum(edgeDurationMs) as edgeMs by ${binOf(periodSeconds)}, fn, bucket, class`,
    `limit ${MAX_ROWS}`,
  ].join(" | ");
}

/** The period's field, named in the answer as written in the query. */
const binOf = (periodSeconds: number) => `bin(${periodSeconds}s)`;

/**
 * Runs the query over [from, to) of one log group and returns the sums of the functions named in
 * `deploymentOf` (function name without `-server` / `-image` / `-edge<n>` → deployment). A query that fails, is
 * cancelled, times out in CloudWatch or outlasts `maxWaitMs` (then it is stopped, so it scans no
 * more) is a METRICS_UNAVAILABLE error: a view with latency silently missing would read as "no
 * traffic". A log group that does not exist yet has no requests.
 */
export async function requestSums(
  logs: CloudWatchLogsClient,
  input: {
    logGroupName: string;
    from: number;
    to: number;
    periodSeconds: number;
    deploymentOf: ReadonlyMap<string, string>;
  },
  limits: InsightsLimits = {},
): Promise<{ sums: RequestSums[]; truncated: boolean }> {
  const now = limits.now ?? Date.now;
  const sleep = limits.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWaitMs = limits.maxWaitMs ?? 15_000;
  const periodMs = input.periodSeconds * 1000;
  const firstPeriod = Math.floor(input.from / periodMs) * periodMs;
  let queryId: string | undefined;
  try {
    const started = await logs.send(
      new StartQueryCommand({
        logGroupName: input.logGroupName,
        // Seconds, both inclusive: the end is the last whole second before `to`.
        startTime: Math.floor(firstPeriod / 1000),
        endTime: Math.max(Math.floor(firstPeriod / 1000), Math.ceil(input.to / 1000) - 1),
        queryString: requestSumsQuery(input.periodSeconds),
        limit: MAX_ROWS,
      }),
    );
    queryId = started.queryId;
  } catch (error) {
    if (nameOf(error) === "ResourceNotFoundException") return { sums: [], truncated: false };
    throw unavailable(input.logGroupName, `StartQuery failed: ${describe(error)}`, error);
  }
  if (!queryId) throw unavailable(input.logGroupName, "StartQuery returned no query id");

  const deadline = now() + maxWaitMs;
  let pause = limits.pollMs ?? 250;
  for (;;) {
    let answer: GetQueryResultsCommandOutput;
    try {
      answer = await logs.send(new GetQueryResultsCommand({ queryId }));
    } catch (error) {
      throw unavailable(input.logGroupName, `GetQueryResults failed: ${describe(error)}`, error);
    }
    const status = answer.status;
    if (status === "Complete") {
      const rows = answer.results ?? [];
      return {
        sums: sumsOf(
          rows,
          input.deploymentOf,
          { from: firstPeriod, to: input.to, periodMs },
          binOf(input.periodSeconds),
        ),
        truncated: rows.length >= MAX_ROWS,
      };
    }
    if (status !== "Scheduled" && status !== "Running") {
      throw unavailable(input.logGroupName, `the Logs Insights query ended ${String(status ?? "without a status")}`);
    }
    if (now() + pause > deadline) {
      // Stop it: a query left running goes on scanning (and billing) for nobody.
      try {
        await logs.send(new StopQueryCommand({ queryId }));
      } catch {
        // It may have just finished; the error below is the news either way.
      }
      throw unavailable(input.logGroupName, `the Logs Insights query took longer than ${maxWaitMs} ms`);
    }
    await sleep(pause);
    pause = Math.min(2000, pause * 2);
  }
}

/**
 * The rows as untrusted input (CloudWatch computed them, but from lines the app could shape): every
 * field must be what the query makes, in range, of a function of the site, in the window;
 * anything else is skipped rather than counted wrong.
 */
function sumsOf(
  rows: readonly (readonly ResultField[])[],
  deploymentOf: ReadonlyMap<string, string>,
  window: { from: number; to: number; periodMs: number },
  periodField: string,
): RequestSums[] {
  const sums = new Map<
    string,
    { -readonly [K in keyof RequestSums]: RequestSums[K] } & { latency: Record<string, number> }
  >();
  for (const row of rows) {
    const field = (name: string) => row.find((f) => f.field === name)?.value;
    const deploymentId = deploymentOf.get(field("fn") ?? "");
    const start = periodOf(field(periodField));
    const n = whole(field("n"));
    const out = amount(field("out"));
    const bucket = whole(field("bucket"));
    const klass = whole(field("class"));
    const edge = whole(field("edge"));
    const edgeMs = amount(field("edgeMs"));
    if (!deploymentId || start === null || n === null || n === 0 || out === null) continue;
    if (edge === null || edge > n || edgeMs === null) continue;
    if (bucket === null || bucket >= LATENCY_BUCKETS || klass === null || klass < 1 || klass > 5) continue;
    if (start < window.from || start >= window.to || start % window.periodMs !== 0) continue;
    const key = `${deploymentId} ${start}`;
    const sum = sums.get(key) ?? {
      deploymentId,
      start,
      requests: 0,
      failed: 0,
      bytesOut: 0,
      latency: {},
      edgeRequests: 0,
      edgeMs: 0,
    };
    sums.set(key, sum);
    sum.requests += n;
    if (klass === 5) sum.failed += n;
    sum.bytesOut += out;
    sum.edgeRequests += edge;
    sum.edgeMs += edgeMs;
    sum.latency[String(bucket)] = (sum.latency[String(bucket)] ?? 0) + n;
  }
  return [...sums.values()];
}

/** A non-negative whole number as Insights prints it ("12", "12.0"); anything else is null. */
function whole(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d{1,15}(\.0+)?$/.test(raw)) return null;
  return Number.parseInt(raw, 10);
}

/** A sum of bytes: large ones may come as "1.2E10"; it must be a finite number ≥ 0 (rounded). */
function amount(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d{1,20}(\.\d{1,20})?([eE]\+?\d{1,3})?$/.test(raw)) return null;
  const value = Math.round(Number(raw));
  return Number.isSafeInteger(value) ? value : null;
}

/** `bin()`'s value: "2026-12-01 11:45:00.000" in UTC. */
function periodOf(raw: string | undefined): number | null {
  const match = raw === undefined ? null : /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)$/.exec(raw);
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T${match[2]}Z`);
  return Number.isFinite(ms) ? ms : null;
}

function nameOf(error: unknown): string | undefined {
  return (error as { name?: string } | null)?.name;
}

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return `${nameOf(error) ?? "Error"}: ${typeof message === "string" ? message.slice(0, 200) : String(error)}`;
}

function unavailable(logGroupName: string, reason: string, cause?: unknown): SlipwayError {
  const busy = nameOf(cause) === "LimitExceededException" || nameOf(cause) === "ThrottlingException";
  return new SlipwayError(
    "METRICS_UNAVAILABLE",
    `Latency and bytes of ${logGroupName} cannot be read: ${reason}.`,
    busy
      ? "CloudWatch Logs Insights allows a limited number of concurrent queries per account: retry in a minute."
      : "Retry; if it persists, check the API function's logs:StartQuery / GetQueryResults rights on /slipway/sites/*.",
  );
}
