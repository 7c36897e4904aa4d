import { expect } from "vitest";
import type { ErrorEvent, MetricDelta, NewTelemetryEntry, RetentionPolicy } from "../../telemetry/model.ts";
import {
  LABEL,
  NO_LABEL,
  NUMBER,
  type RequestRows,
  ROW_LABELS,
  ROW_NUMBERS,
  writeRequestId,
} from "../../telemetry/request-rows.ts";
import { summarizePoints } from "../../telemetry/series.ts";
import type { TelemetryStore } from "../telemetry-store.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

type RequestInput = Extract<NewTelemetryEntry, { kind: "request" }>;

export function requestEntry(over: Partial<RequestInput> = {}): RequestInput {
  return {
    kind: "request",
    at: iso(T0),
    projectId: "p1",
    deploymentId: "d1",
    requestId: "r1",
    method: "GET",
    path: "/",
    status: 200,
    durationMs: 12.5,
    bytes: 100,
    coldStart: false,
    servedBy: "function",
    cache: null,
    clientIp: "203.0.113.0",
    ...over,
  };
}

function logEntry(text: string, over: Partial<Extract<NewTelemetryEntry, { kind: "log" }>> = {}): NewTelemetryEntry {
  return {
    kind: "log",
    at: iso(T0),
    projectId: "p1",
    deploymentId: "d1",
    requestId: "r1",
    level: "info",
    text,
    ...over,
  };
}

function delta(start: number, over: Partial<MetricDelta> = {}): MetricDelta {
  return {
    projectId: "p1",
    deploymentId: "d1",
    start,
    requests: 2,
    errors: 1,
    coldStarts: 1,
    gbSeconds: 0.5,
    bytesOut: 300,
    invocations: 2,
    latency: { "10": 1, "20": 1 },
    ...over,
  };
}

function error(message: string, at: number, over: Partial<ErrorEvent> = {}): ErrorEvent {
  return { at: iso(at), projectId: "p1", deploymentId: "d1", requestId: "r1", message, stack: null, ...over };
}

const write = (
  store: TelemetryStore,
  batch: { entries?: NewTelemetryEntry[]; errors?: ErrorEvent[]; metrics?: MetricDelta[] },
) => store.write({ entries: batch.entries ?? [], errors: batch.errors ?? [], metrics: batch.metrics ?? [] });

/** Request entries as the edge's columns carry them (`at` read back as the end time). */
export function requestRowsOf(requests: readonly RequestInput[]): RequestRows {
  const table: string[] = [];
  const label = (value: string) => (table.includes(value) ? table.indexOf(value) : table.push(value) - 1);
  const numbers = new Float64Array(requests.length * ROW_NUMBERS);
  const labels = new Uint16Array(requests.length * ROW_LABELS);
  const idEnds = new Uint32Array(requests.length);
  const ids = new Uint8Array(requests.reduce((sum, r) => sum + r.requestId.length, 0));
  let end = 0;
  requests.forEach((r, i) => {
    const n = i * ROW_NUMBERS;
    numbers[n + NUMBER.endedAt] = Date.parse(r.at);
    numbers[n + NUMBER.durationMs] = r.durationMs;
    numbers[n + NUMBER.bytes] = r.bytes;
    numbers[n + NUMBER.status] = r.status;
    const l = i * ROW_LABELS;
    labels[l + LABEL.deployment] = label(r.deploymentId);
    labels[l + LABEL.method] = label(r.method);
    labels[l + LABEL.servedBy] = label(r.servedBy);
    labels[l + LABEL.cache] = r.cache === null ? NO_LABEL : label(r.cache);
    labels[l + LABEL.coldStart] = r.coldStart ? 1 : 0;
    labels[l + LABEL.path] = label(r.path);
    labels[l + LABEL.clientIp] = label(r.clientIp);
    end = writeRequestId(ids, end, r.requestId);
    idEnds[i] = end;
  });
  return { count: requests.length, numbers, labels, table, ids, idEnds };
}

const POLICY: RetentionPolicy = {
  logsMaxAgeMs: DAY,
  maxEntriesPerProject: 1000,
  maxErrorsPerProject: 1000,
  minuteMaxAgeMs: 2 * HOUR,
  hourMaxAgeMs: 2 * DAY,
  dayMaxAgeMs: 10 * DAY,
};

/** The TelemetryStore contract: SQLite, memory, and later CloudWatch run these cases. */
export function runTelemetryStoreContract(options: ContractOptions<TelemetryStore>): void {
  defineContract<TelemetryStore>(
    "TelemetryStore",
    options,
    (store) => store.close(),
    (test) => {
      test("entries come back oldest first with growing seqs; afterSeq resumes a tail", async (store) => {
        await write(store, { entries: [requestEntry({ requestId: "a" }), logEntry("hello")] });
        await write(store, { entries: [requestEntry({ requestId: "b" })] });
        const all = await store.entries({ projectId: "p1", limit: 100 });
        expect(all.map((e) => (e.kind === "request" ? e.requestId : e.text))).toEqual(["a", "hello", "b"]);
        expect(all[1]?.seq).toBeGreaterThan(all[0]?.seq ?? 0);
        expect(all[2]?.seq).toBeGreaterThan(all[1]?.seq ?? 0);
        expect(all[0]).toMatchObject({ ...requestEntry({ requestId: "a" }) });
        const after = await store.entries({ projectId: "p1", afterSeq: all[1]?.seq, limit: 100 });
        expect(after.map((e) => e.seq)).toEqual([all[2]?.seq]);
      });

      test("request rows come back as request entries, after the batch's entries, and filter like them", async (store) => {
        const hit = requestEntry({
          requestId: "row-1",
          at: iso(T0 + 1),
          cache: "HIT",
          servedBy: "cache",
          path: "/é?q=1",
        });
        const cold = requestEntry({
          requestId: "row-2",
          at: iso(T0 + 2),
          coldStart: true,
          status: 503,
          durationMs: 0.25,
        });
        const other = requestEntry({ requestId: "row-3", projectId: "p2", deploymentId: "d9" });
        await store.write({
          entries: [logEntry("before")],
          requestRows: [
            { projectId: "p1", rows: requestRowsOf([hit, cold]) },
            { projectId: "p2", rows: requestRowsOf([other]) },
          ],
          errors: [],
          metrics: [],
        });
        const all = await store.entries({ projectId: "p1", limit: 100 });
        expect(all.map((e) => (e.kind === "request" ? e.requestId : e.text))).toEqual(["before", "row-1", "row-2"]);
        expect(all[1]).toEqual({ ...hit, seq: (all[0]?.seq ?? 0) + 1 });
        expect(all[2]).toEqual({ ...cold, seq: (all[0]?.seq ?? 0) + 2 });
        const failed = await store.entries({ projectId: "p1", status: { min: 500, max: 599 }, limit: 10 });
        expect(failed.map((e) => e.seq)).toEqual([all[2]?.seq]);
        const tail = await store.entries({ projectId: "p1", afterSeq: all[1]?.seq, limit: 10 });
        expect(tail.map((e) => e.seq)).toEqual([all[2]?.seq]);
        expect((await store.entries({ projectId: "p2", limit: 10 })).map((e) => e.deploymentId)).toEqual(["d9"]);
      });

      test("retention drops the old part of a block of request rows and keeps the rest", async (store) => {
        const now = T0 + 2 * DAY;
        const rows = requestRowsOf([
          requestEntry({ requestId: "old", at: iso(now - 2 * DAY) }),
          requestEntry({ requestId: "new", at: iso(now - HOUR) }),
        ]);
        await store.write({ entries: [], requestRows: [{ projectId: "p1", rows }], errors: [], metrics: [] });
        await store.compact(POLICY, now);
        const kept = await store.entries({ projectId: "p1", limit: 10 });
        expect(kept.map((e) => (e.kind === "request" ? e.requestId : ""))).toEqual(["new"]);
        expect((await store.dropped("p1")).entries).toBe(1);
      });

      test("filters by project, deployment, kind, status range and time", async (store) => {
        await write(store, {
          entries: [
            requestEntry({ requestId: "ok", at: iso(T0) }),
            requestEntry({ requestId: "boom", status: 503, at: iso(T0 + MIN) }),
            requestEntry({ requestId: "other-dep", deploymentId: "d2", status: 500, at: iso(T0 + MIN) }),
            requestEntry({ requestId: "other-project", projectId: "p2", status: 500 }),
            logEntry("line", { at: iso(T0 + MIN) }),
          ],
        });
        const ids = async (query: Partial<Parameters<TelemetryStore["entries"]>[0]>) =>
          (await store.entries({ projectId: "p1", limit: 100, ...query })).map((e) =>
            e.kind === "request" ? e.requestId : e.text,
          );
        expect(await ids({ status: { min: 500, max: 599 } })).toEqual(["boom", "other-dep"]);
        expect(await ids({ deploymentId: "d1", kind: "request" })).toEqual(["ok", "boom"]);
        expect(await ids({ kind: "log" })).toEqual(["line"]);
        expect(await ids({ sinceAt: iso(T0 + MIN), deploymentId: "d1" })).toEqual(["boom", "line"]);
        expect(await ids({ projectId: "p2" })).toEqual(["other-project"]);
      });

      test("a limit without afterSeq gives the newest entries, oldest first", async (store) => {
        await write(store, { entries: Array.from({ length: 10 }, (_, i) => requestEntry({ requestId: `r${i}` })) });
        const newest = await store.entries({ projectId: "p1", limit: 3 });
        expect(newest.map((e) => (e.kind === "request" ? e.requestId : ""))).toEqual(["r7", "r8", "r9"]);
        const first = await store.entries({ projectId: "p1", afterSeq: 0, limit: 2 });
        expect(first.map((e) => (e.kind === "request" ? e.requestId : ""))).toEqual(["r0", "r1"]);
      });

      test("metric deltas of one deployment and minute add up, histograms merged", async (store) => {
        await write(store, { metrics: [delta(T0)] });
        await write(store, {
          metrics: [delta(T0, { latency: { "20": 2, "30": 1 } }), delta(T0, { deploymentId: "d2" })],
        });
        const d1 = await store.metrics("p1", T0, T0 + MIN, "d1");
        expect(d1).toEqual([
          {
            ...delta(T0),
            resolution: "minute",
            requests: 4,
            errors: 2,
            coldStarts: 2,
            gbSeconds: 1,
            bytesOut: 600,
            invocations: 4,
            latency: { "10": 1, "20": 3, "30": 1 },
          },
        ]);
        expect(await store.metrics("p1", T0, T0 + MIN)).toHaveLength(2);
        expect(await store.metrics("p1", T0 + MIN, T0 + 2 * MIN)).toEqual([]);
        expect(await store.metrics("p2", T0, T0 + MIN)).toEqual([]);
      });

      test("errors are grouped by message, newest group first, with the latest stack", async (store) => {
        await write(store, {
          errors: [
            error("TypeError: x", T0, { stack: "TypeError: x\n    at one" }),
            error("HTTP 502 GET /", T0 + MIN),
            error("TypeError: x", T0 + 2 * MIN, { stack: "TypeError: x\n    at two", requestId: "r9" }),
            error("TypeError: x", T0 + 3 * MIN, { projectId: "p2" }),
          ],
        });
        expect(await store.errorGroups("p1", iso(T0))).toEqual([
          {
            message: "TypeError: x",
            count: 2,
            firstAt: iso(T0),
            lastAt: iso(T0 + 2 * MIN),
            lastDeploymentId: "d1",
            lastRequestId: "r9",
            stack: "TypeError: x\n    at two",
          },
          {
            message: "HTTP 502 GET /",
            count: 1,
            firstAt: iso(T0 + MIN),
            lastAt: iso(T0 + MIN),
            lastDeploymentId: "d1",
            lastRequestId: "r1",
            stack: null,
          },
        ]);
        expect((await store.errorGroups("p1", iso(T0 + MIN))).map((g) => g.count)).toEqual([1, 1]);
      });

      test("compaction rolls minutes into hours and hours into days, keeping every count", async (store) => {
        const now = T0 + 20 * DAY;
        const minutes = [now - 3 * HOUR, now - 3 * HOUR + MIN, now - 30 * MIN];
        const oldHours = [now - 3 * DAY, now - 3 * DAY + HOUR];
        await write(store, { metrics: [...minutes, ...oldHours].map((start) => delta(start)) });
        const before = summarizePoints(await store.metrics("p1", 0, now + DAY));
        const result = await store.compact(POLICY, now);
        expect(result.rolledUp).toBeGreaterThan(0);
        const after = await store.metrics("p1", 0, now + DAY);
        expect(summarizePoints(after)).toEqual(before);
        const byResolution = (r: string) => after.filter((p) => p.resolution === r).length;
        // The recent minute stays; the two 3-hour-old minutes are one hour; the old hours one day.
        expect(byResolution("minute")).toBe(1);
        expect(byResolution("hour")).toBe(1);
        expect(byResolution("day")).toBeGreaterThanOrEqual(1);
        // Compacting again changes nothing.
        await store.compact(POLICY, now);
        expect(summarizePoints(await store.metrics("p1", 0, now + DAY))).toEqual(before);
      });

      test("retention drops old days, old or excess entries and errors, and counts what it dropped", async (store) => {
        const now = T0 + 20 * DAY;
        await write(store, {
          metrics: [delta(now - 15 * DAY)],
          entries: [
            requestEntry({ requestId: "old", at: iso(now - 2 * DAY) }),
            ...Array.from({ length: 5 }, (_, i) => requestEntry({ requestId: `new${i}`, at: iso(now - MIN) })),
          ],
          errors: [error("old", now - 2 * DAY), error("new", now - MIN)],
        });
        const result = await store.compact({ ...POLICY, maxEntriesPerProject: 3 }, now);
        expect(result.dropped).toEqual({ entries: 3, errors: 1, metricDays: 1 });
        expect(await store.dropped("p1")).toEqual({ entries: 3, errors: 1, metricDays: 1 });
        const left = await store.entries({ projectId: "p1", limit: 100 });
        expect(left.map((e) => (e.kind === "request" ? e.requestId : ""))).toEqual(["new2", "new3", "new4"]);
        expect((await store.errorGroups("p1", iso(0))).map((g) => g.message)).toEqual(["new"]);
        expect(await store.metrics("p1", 0, now)).toEqual([]);
        expect(await store.dropped("p2")).toEqual({ entries: 0, errors: 0, metricDays: 0 });
      });

      test("deleteProject removes only that project's telemetry", async (store) => {
        await write(store, {
          entries: [requestEntry(), requestEntry({ projectId: "p2" })],
          errors: [error("e", T0), error("e", T0, { projectId: "p2" })],
          metrics: [delta(T0), delta(T0, { projectId: "p2" })],
        });
        await store.deleteProject("p1");
        expect(await store.entries({ projectId: "p1", limit: 10 })).toEqual([]);
        expect(await store.errorGroups("p1", iso(0))).toEqual([]);
        expect(await store.metrics("p1", 0, T0 + DAY)).toEqual([]);
        expect(await store.entries({ projectId: "p2", limit: 10 })).toHaveLength(1);
        expect(await store.errorGroups("p2", iso(0))).toHaveLength(1);
        expect(await store.metrics("p2", 0, T0 + DAY)).toHaveLength(1);
      });
    },
  );
}
