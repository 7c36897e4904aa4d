import { requestEntry, requestRowsOf } from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import { summarize } from "./summary.ts";

describe("telemetry summary", () => {
  it("counts request rows as it counts the same request entries", () => {
    const requests = [
      requestEntry({ requestId: "a", servedBy: "function", status: 200, durationMs: 250, coldStart: true }),
      requestEntry({ requestId: "b", servedBy: "function", status: 503, durationMs: 1500, bytes: 7 }),
      requestEntry({ requestId: "c", servedBy: "cache", status: 200, cache: "HIT", bytes: 17_000 }),
      requestEntry({ requestId: "d", servedBy: "static", status: 404 }),
    ];
    const sorted = <T>(values: T[]) => [...values].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    const fromEntries = summarize({ entries: requests, errors: [], metrics: [] });
    const fromRows = summarize({
      entries: [],
      requestRows: [{ projectId: "p1", rows: requestRowsOf(requests) }],
      errors: [],
      metrics: [],
    });
    expect(sorted(fromRows.requests)).toEqual(sorted(fromEntries.requests));
    expect(fromRows.projects).toEqual(fromEntries.projects);
    expect(fromRows.functionSeconds).toEqual([["p1", [0.25, 1.5]]]);
    expect(fromRows.functionSeconds).toEqual(fromEntries.functionSeconds);
  });
});
