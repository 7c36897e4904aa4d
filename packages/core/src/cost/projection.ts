import { AWS_PRICES, AWS_PRICES_DATE } from "./aws-prices.ts";

/** Traffic measured on `local` over a window. */
export interface MeasuredUsage {
  readonly windowMs: number;
  /** Every request through the edge (each one a CloudFront request on AWS). */
  readonly requests: number;
  /** Requests a function answered (each one a Lambda invocation). */
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly bytesOut: number;
  /** Bytes the site keeps in S3 now (its deployments' static assets). */
  readonly storageBytes: number;
  /** Files uploaded to S3 within the window (assets of its deployments). */
  readonly uploads: number;
}

export interface CostLine {
  readonly service: "Lambda" | "CloudFront" | "S3";
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface CostProjection {
  readonly pricesDate: string;
  readonly region: string;
  /** The measured window's cost. */
  readonly windowUsd: number;
  /** The measured rate over a 30-day month (storage is already monthly). */
  readonly monthlyUsd: number;
  readonly lines: readonly CostLine[];
}

const GB = 1024 ** 3;
const MONTH_MS = 30 * 86_400_000;

/**
 * What the same traffic would cost on AWS: Lambda requests and GB-s, CloudFront requests and
 * transfer out, S3 storage and requests. Static requests are counted as S3 GETs as if CloudFront
 * cached nothing (an upper bound). Lines are for the window; storage is billed per month, so the
 * window's share of it is `windowMs / 30 days`.
 */
export function projectAwsCost(usage: MeasuredUsage): CostProjection {
  const p = AWS_PRICES;
  const monthShare = usage.windowMs / MONTH_MS;
  const staticRequests = Math.max(0, usage.requests - usage.invocations);
  const lines = [
    line("Lambda", "requests", usage.invocations, "requests", p.lambda.perRequest),
    line("Lambda", "compute", usage.gbSeconds, "GB-s", p.lambda.perGbSecond),
    line("CloudFront", "requests", usage.requests, "requests", p.cloudFront.perRequest),
    line("CloudFront", "transfer out", usage.bytesOut / GB, "GB", p.cloudFront.perGbOut),
    line("S3", "storage", (usage.storageBytes / GB) * monthShare, "GB-month", p.s3.perGbMonth),
    line("S3", "GET requests", staticRequests, "requests", p.s3.perGetRequest),
    line("S3", "PUT requests", usage.uploads, "requests", p.s3.perPutRequest),
  ];
  // Summed before rounding, so a month scaled up from a day carries no rounding error.
  const windowUsd = lines.reduce((sum, l) => sum + l.exactUsd, 0);
  return {
    pricesDate: AWS_PRICES_DATE,
    region: p.region,
    windowUsd: round(windowUsd),
    monthlyUsd: round(monthShare > 0 ? windowUsd / monthShare : 0),
    lines: lines.map(({ exactUsd: _, ...shown }) => shown),
  };
}

function line(service: CostLine["service"], item: string, quantity: number, unit: string, price: number) {
  return { service, item, quantity: round(quantity), unit, usd: round(quantity * price), exactUsd: quantity * price };
}

/** To a millionth of a dollar: small sites cost fractions of a cent. */
function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
