import { type RequestRows, requestEntriesOf } from "@slipway/core/telemetry";
import type { RequestReport } from "@slipway/runtime";
import { describe, expect, it } from "vitest";
import { RequestColumns, transferablesOf } from "./request-columns.ts";

/** The rows as the store would return them, minus what the store adds (project, seq, ISO time). */
const requestsOf = (rows: RequestRows) =>
  requestEntriesOf("p1", 1, rows).map(({ kind, seq, projectId, at, ...rest }) => ({
    ...rest,
    endedAt: Date.parse(at),
  }));

function report(over: Partial<RequestReport> = {}): RequestReport {
  return {
    requestId: "r1",
    host: "site.localhost",
    deploymentId: "d1",
    method: "GET",
    path: "/",
    status: 200,
    durationMs: 1.25,
    bytes: 17_000,
    coldStart: false,
    servedBy: "cache",
    clientIp: "203.0.113.7",
    cache: "HIT",
    ...over,
  };
}

describe("request columns", () => {
  it("give back every field of every request, in order, after crossing by transfer", () => {
    const columns = new RequestColumns(8);
    columns.append(report(), 1_000);
    columns.append(
      report({
        requestId: "r2",
        deploymentId: "d2",
        method: "POST",
        path: "/api/x?q=1",
        status: 503,
        durationMs: 812.5,
        bytes: 0,
        coldStart: true,
        servedBy: "function",
        cache: null,
        clientIp: "::1",
      }),
      2_000,
    );
    const batch = columns.take();
    const crossed = structuredClone(batch, { transfer: transferablesOf(batch) });
    expect(requestsOf(crossed)).toEqual([
      {
        requestId: "r1",
        deploymentId: "d1",
        method: "GET",
        path: "/",
        status: 200,
        durationMs: 1.25,
        bytes: 17_000,
        coldStart: false,
        servedBy: "cache",
        cache: "HIT",
        clientIp: "203.0.113.7",
        endedAt: 1_000,
      },
      {
        requestId: "r2",
        deploymentId: "d2",
        method: "POST",
        path: "/api/x?q=1",
        status: 503,
        durationMs: 812.5,
        bytes: 0,
        coldStart: true,
        servedBy: "function",
        cache: null,
        clientIp: "::1",
        endedAt: 2_000,
      },
    ]);
    // The sender's columns were handed over; fresh ones take the next requests.
    expect(columns.size).toBe(0);
    expect(columns.append(report({ requestId: "r3" }), 3_000)).toBe(true);
    expect(requestsOf(columns.take()).map((r) => r.requestId)).toEqual(["r3"]);
  });

  it("fill a written batch's buffers again once they come back, and only buffers that fit", () => {
    const columns = new RequestColumns(4);
    columns.append(report({ requestId: "a1" }), 1_000);
    const first = columns.take();
    const spent = transferablesOf(first);
    columns.recycle([new ArrayBuffer(8), new ArrayBuffer(8), new ArrayBuffer(8)]); // not this capacity
    columns.recycle(spent);
    columns.append(report({ requestId: "b1" }), 2_000);
    columns.take(); // filled into new arrays: the recycled set is taken for the batch after it
    columns.append(report({ requestId: "c1", path: "/again" }), 3_000);
    const third = columns.take();
    expect(transferablesOf(third)).toEqual(spent);
    expect(transferablesOf(third).every((buffer, at) => buffer === spent[at])).toBe(true);
    // What the reused buffers held before is not part of the new batch.
    expect(requestsOf(third)).toEqual([expect.objectContaining({ requestId: "c1", path: "/again", endedAt: 3_000 })]);
  });

  it("keep callers' ids of any length the edge accepts, a batch full of the longest included", () => {
    const columns = new RequestColumns(64);
    const ids = Array.from({ length: 64 }, (_, i) => `${i}:`.padEnd(128, "x"));
    for (const [i, requestId] of ids.entries()) expect(columns.append(report({ requestId }), i)).toBe(true);
    const batch = columns.take();
    const crossed = structuredClone(batch, { transfer: transferablesOf(batch) });
    expect(requestsOf(crossed).map((r) => r.requestId)).toEqual(ids);
  });

  it("refuse a request when full, so the caller hands the batch over first", () => {
    const columns = new RequestColumns(2);
    expect(columns.append(report(), 1)).toBe(true);
    expect(columns.append(report(), 2)).toBe(true);
    expect(columns.append(report(), 3)).toBe(false);
    expect(columns.take().count).toBe(2);
  });

  it("mask each deployment's paths with that deployment's masker", () => {
    const columns = new RequestColumns(4);
    columns.append(report({ deploymentId: "d1", path: "/cb?token=s3cret-one" }), 1);
    columns.append(report({ deploymentId: "d2", path: "/cb?token=s3cret-one" }), 2);
    const asked: string[] = [];
    columns.mapPaths((deploymentId) => {
      asked.push(deploymentId);
      return deploymentId === "d1" ? (path) => path.replace("s3cret-one", "***") : (path) => path;
    });
    expect(asked).toEqual(["d1", "d2"]);
    const rows = columns.take();
    expect(requestsOf(rows).map((r) => r.path)).toEqual(["/cb?token=***", "/cb?token=s3cret-one"]);
    // d1's raw path is d2's too, so it stays; alone, it would not travel.
    const alone = new RequestColumns(4);
    alone.append(report({ deploymentId: "d1", path: "/cb?token=s3cret-one" }), 1);
    alone.mapPaths(() => (path) => path.replace("s3cret-one", "***"));
    expect(JSON.stringify(alone.take())).not.toContain("s3cret-one");
    expect(rows.table).toContain("/cb?token=s3cret-one");
  });

  it("mask runs of rows sharing a path, switching deployments between runs", () => {
    const columns = new RequestColumns(8);
    const rows: Array<[string, string]> = [
      ["d1", "/cb?token=s3cret"],
      ["d1", "/cb?token=s3cret"],
      ["d2", "/cb?token=s3cret"],
      ["d1", "/cb?token=s3cret"],
      ["d1", "/plain"],
      ["d2", "/plain"],
    ];
    for (const [deploymentId, path] of rows) columns.append(report({ deploymentId, path }), 1);
    columns.mapPaths((deploymentId) => (path) => (deploymentId === "d1" ? path.replace("s3cret", "***") : path));
    expect(requestsOf(columns.take()).map((r) => [r.deploymentId, r.path])).toEqual([
      ["d1", "/cb?token=***"],
      ["d1", "/cb?token=***"],
      ["d2", "/cb?token=s3cret"],
      ["d1", "/cb?token=***"],
      ["d1", "/plain"],
      ["d2", "/plain"],
    ]);
  });

  it("leave the table as it is when masking changed no path", () => {
    const columns = new RequestColumns(4);
    columns.append(report({ deploymentId: "d1", path: "/a" }), 1);
    columns.append(report({ deploymentId: "d1", path: "/b" }), 2);
    columns.mapPaths(() => (path) => path);
    const batch = columns.take();
    expect(batch.table).toEqual(expect.arrayContaining(["d1", "/a", "/b"]));
    expect(batch.table).not.toContain("");
    expect(requestsOf(batch).map((r) => r.path)).toEqual(["/a", "/b"]);
  });

  it("never reuse a label the row before had before masking rewrote it", () => {
    const columns = new RequestColumns(4);
    const maskD1 = (deploymentId: string) => (path: string) =>
      deploymentId === "d1" ? path.replace("s3cret", "***") : path;
    columns.append(report({ deploymentId: "d1", path: "/cb?token=s3cret" }), 1);
    columns.mapPaths(maskD1);
    // Same path, next row, another deployment: its own (unmasked) path, not d1's masked one.
    columns.append(report({ deploymentId: "d2", path: "/cb?token=s3cret" }), 2);
    columns.append(report({ deploymentId: "d2", path: "/cb?token=s3cret" }), 3);
    columns.mapPaths(maskD1);
    expect(requestsOf(columns.take()).map((r) => [r.deploymentId, r.path])).toEqual([
      ["d1", "/cb?token=***"],
      ["d2", "/cb?token=s3cret"],
      ["d2", "/cb?token=s3cret"],
    ]);
  });

  it("reuse the row before's label only when that row had one in the same slot", () => {
    const columns = new RequestColumns(4);
    for (const cache of ["HIT", null, "HIT", "MISS"]) columns.append(report({ cache }), 1);
    expect(requestsOf(columns.take()).map((r) => r.cache)).toEqual(["HIT", null, "HIT", "MISS"]);
  });
});
