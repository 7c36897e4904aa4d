import type { RequestReport } from "@slipway/runtime";

/** A cached `/` as the edge reports it: what the telemetry benches log without an edge in the way. */
export function syntheticReport(requestId: string): RequestReport {
  return {
    requestId,
    host: "bench.localhost",
    deploymentId: "dpl_bench",
    method: "GET",
    path: "/",
    status: 200,
    durationMs: 1.23,
    bytes: 17_000,
    coldStart: false,
    servedBy: "cache",
    clientIp: "127.0.0.1",
    cache: "HIT",
  };
}
