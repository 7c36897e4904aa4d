import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import type { MetricResolution } from "@slipway/core";
import type { SiteFunctionRole } from "../deployer/names.ts";

/**
 * Lambda's free per-function metrics (AWS/Lambda, dimension FunctionName), one GetMetricData call
 * for every function of a site: no custom metric per deployment (each would cost $0.30 a month).
 */
export const LAMBDA_METRICS = ["Invocations", "Errors", "Duration", "Throttles"] as const;
export type LambdaMetric = (typeof LAMBDA_METRICS)[number];

/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES = 500;

/** A function whose metrics are read (the edge routes' are not: telemetry-reader.ts isMetered). */
export interface SiteFunction {
  readonly name: string;
  readonly deploymentId: string;
  readonly kind: SiteFunctionRole;
}

/** One function's sum of one metric over one period. */
export interface MetricSum {
  readonly deploymentId: string;
  readonly kind: SiteFunctionRole;
  readonly metric: LambdaMetric;
  /** Start of the period, epoch ms. */
  readonly start: number;
  readonly value: number;
}

/** The period CloudWatch sums over for a window: the charts' step (core's stepFor), in seconds. */
export function resolutionOf(periodSeconds: number): MetricResolution {
  if (periodSeconds < 3600) return "minute";
  return periodSeconds < 86_400 ? "hour" : "day";
}

/**
 * The Sum of each metric of each function per period in [from, to), paged by NextToken. The
 * query ids carry an index into `functions` (GetMetricData's ids must be `[a-z][a-zA-Z0-9_]*`);
 * an answer naming an id we did not ask for is ignored.
 */
export async function lambdaMetricSums(
  cloudwatch: CloudWatchClient,
  input: { functions: readonly SiteFunction[]; from: number; to: number; periodSeconds: number },
): Promise<MetricSum[]> {
  const periodMs = input.periodSeconds * 1000;
  const queries: MetricDataQuery[] = [];
  const asked = new Map<string, { fn: SiteFunction; metric: LambdaMetric }>();
  input.functions.forEach((fn, index) => {
    for (const metric of LAMBDA_METRICS) {
      const id = `f${index}_${metric.toLowerCase()}`;
      asked.set(id, { fn, metric });
      queries.push({
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: "AWS/Lambda",
            MetricName: metric,
            Dimensions: [{ Name: "FunctionName", Value: fn.name }],
          },
          Period: input.periodSeconds,
          Stat: "Sum",
        },
        ReturnData: true,
      });
    }
  });
  const sums: MetricSum[] = [];
  for (let at = 0; at < queries.length; at += MAX_QUERIES) {
    let nextToken: string | undefined;
    do {
      const answer = await cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries.slice(at, at + MAX_QUERIES),
          StartTime: new Date(Math.floor(input.from / periodMs) * periodMs),
          EndTime: new Date(input.to),
          ScanBy: "TimestampAscending",
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const result of answer.MetricDataResults ?? []) sums.push(...sumsOf(result, asked, input));
      nextToken = answer.NextToken;
    } while (nextToken);
  }
  return sums;
}

function sumsOf(
  result: MetricDataResult,
  asked: ReadonlyMap<string, { fn: SiteFunction; metric: LambdaMetric }>,
  window: { from: number; to: number },
): MetricSum[] {
  const query = result.Id ? asked.get(result.Id) : undefined;
  if (!query) return [];
  const times = result.Timestamps ?? [];
  const values = result.Values ?? [];
  const sums: MetricSum[] = [];
  for (let i = 0; i < Math.min(times.length, values.length); i++) {
    const start = new Date(times[i] as Date).getTime();
    const value = values[i] as number;
    if (!Number.isFinite(start) || !Number.isFinite(value) || value < 0 || start >= window.to) continue;
    sums.push({ deploymentId: query.fn.deploymentId, kind: query.fn.kind, metric: query.metric, start, value });
  }
  return sums;
}
