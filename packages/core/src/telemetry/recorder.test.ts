import { describe, expect, it } from "vitest";
import { createMasker } from "../domain/mask.ts";
import { requestRowsOf } from "../ports/contracts/telemetry-store.contract.ts";
import type { TelemetryStore } from "../ports/telemetry-store.ts";
import type { TelemetryBatch } from "./model.ts";
import { createTelemetryRecorder, type ServedRequest } from "./recorder.ts";
import { requestEntriesOf } from "./request-rows.ts";

/** Keeps what the recorder writes: the recorder's only call on its store. */
function capturingStore(fail: () => boolean = () => false) {
  const batches: TelemetryBatch[] = [];
  const store = {
    name: "capture",
    async write(batch: TelemetryBatch) {
      if (fail()) throw new Error("disk full");
      batches.push(batch);
    },
  } as unknown as TelemetryStore;
  const all = () => ({
    entries: batches.flatMap((b) => b.entries),
    errors: batches.flatMap((b) => b.errors),
    metrics: batches.flatMap((b) => b.metrics),
  });
  return { store, batches, all };
}

const MINUTE = Date.UTC(2026, 0, 1, 12, 0, 0);

function served(over: Partial<ServedRequest> = {}): ServedRequest {
  return {
    requestId: "r1",
    deploymentId: "d1",
    method: "GET",
    path: "/",
    status: 200,
    durationMs: 100,
    bytes: 10,
    coldStart: false,
    servedBy: "function",
    cache: null,
    clientIp: "203.0.113.0",
    endedAt: MINUTE + 1000,
    ...over,
  };
}

function recorderOn(store: TelemetryStore, over: Partial<Parameters<typeof createTelemetryRecorder>[0]> = {}) {
  return createTelemetryRecorder({
    store,
    projectOf: async (id) => (id === "gone" ? null : "p1"),
    memoryMb: 1024,
    flushMs: 60_000,
    ...over,
  });
}

describe("telemetry recorder", () => {
  it("writes nothing until a flush, then one batch with entries and summed minute metrics", async () => {
    const { store, batches, all } = capturingStore();
    const recorder = recorderOn(store);
    recorder.request(served({ coldStart: true, durationMs: 200 }));
    recorder.request(served({ status: 503, servedBy: "function", requestId: "r2" }));
    recorder.request(served({ servedBy: "static", requestId: "r3", bytes: 5 }));
    expect(batches).toEqual([]);
    await recorder.flush();
    expect(batches).toHaveLength(1);
    expect(all().entries).toHaveLength(3);
    const [minute, ...more] = all().metrics;
    expect(more).toEqual([]);
    // 1 GB × (0.2 s + 0.1 s) for the two function requests; the static one is no invocation.
    expect(minute).toMatchObject({
      start: MINUTE,
      requests: 3,
      errors: 1,
      coldStarts: 1,
      invocations: 2,
      bytesOut: 25,
    });
    expect(minute?.gbSeconds).toBeCloseTo(0.3, 9);
    expect(all().errors.map((e) => e.message)).toEqual(["HTTP 503 GET /"]);
  });

  it("writes at once when a batch is full, without waiting for the timer", async () => {
    const { store, batches } = capturingStore();
    const recorder = recorderOn(store, { maxBatch: 3 });
    for (let i = 0; i < 3; i++) recorder.request(served({ requestId: `r${i}` }));
    // The full batch is on its way before anyone flushes: no 60 s timer in between.
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches.map((b) => b.entries.length)).toEqual([3]);
  });

  it("records an exception with its stack once: its 500 is not a second error", async () => {
    const { store, all } = capturingStore();
    const recorder = recorderOn(store);
    const stack = "Error: boom\n    at GET (route.js:3:9)";
    recorder.line({ deploymentId: "d1", requestId: "r1", level: "error", text: stack, stack, at: MINUTE });
    recorder.request(served({ status: 500 }));
    await recorder.flush();
    expect(all().errors).toEqual([expect.objectContaining({ message: "Error: boom", stack, requestId: "r1" })]);
    expect(all().metrics[0]?.errors).toBe(1);
  });

  it("masks the deployment's secrets in lines, stacks and paths", async () => {
    const { store, all } = capturingStore();
    const recorder = recorderOn(store, { maskerOf: () => createMasker(["hunter2-secret"]) });
    recorder.line({
      deploymentId: "d1",
      requestId: null,
      level: "error",
      text: "token=hunter2-secret",
      stack: "Error: hunter2-secret\n    at x",
      at: MINUTE,
    });
    recorder.request(served({ path: "/cb?key=hunter2-secret" }));
    await recorder.flush();
    const stored = JSON.stringify(all());
    expect(stored).not.toContain("hunter2-secret");
    expect(stored).toContain("token=***");
  });

  it("counts what it drops: a full queue, an unknown deployment", async () => {
    const { store } = capturingStore();
    const recorder = recorderOn(store, { maxPending: 2, maxBatch: 100 });
    recorder.request(served());
    recorder.request(served({ deploymentId: "gone" }));
    recorder.request(served());
    expect(recorder.stats.droppedOverflow).toBe(1);
    await recorder.flush();
    expect(recorder.stats.droppedUnknown).toBe(1);
    expect(recorder.stats.written).toBe(1);
  });

  it("keeps going after a failed write and counts the batch", async () => {
    let fail = true;
    const { store, all } = capturingStore(() => fail);
    const errors: unknown[] = [];
    const recorder = recorderOn(store, { onError: (error) => errors.push(error) });
    recorder.request(served());
    await recorder.flush();
    fail = false;
    recorder.request(served({ requestId: "r2" }));
    await recorder.flush();
    expect(recorder.stats.failedBatches).toBe(1);
    expect(errors).toHaveLength(1);
    expect(all().entries.map((e) => e.kind === "request" && e.requestId)).toEqual(["r2"]);
  });
});

describe("telemetry recorder times", () => {
  it("writes each entry's time as its ISO string, within a second and across seconds", async () => {
    const { store, all } = capturingStore();
    const recorder = recorderOn(store);
    const times = [MINUTE, MINUTE + 7, MINUTE + 42, MINUTE + 999, MINUTE + 1000, MINUTE + 61_005, MINUTE + 61_120];
    for (const [i, endedAt] of times.entries()) recorder.request(served({ requestId: `r${i}`, endedAt }));
    await recorder.flush();
    expect(all().entries.map((e) => e.at)).toEqual(times.map((ms) => new Date(ms).toISOString()));
    expect(all().metrics.map((m) => [m.start, m.requests])).toEqual([
      [MINUTE, 5],
      [MINUTE + 60_000, 2],
    ]);
  });
});

describe("telemetry recorder: request rows", () => {
  it("records rows as it records the same requests one by one: entries, metrics, errors, masking, unknowns", async () => {
    const requests = [
      served({ requestId: "a", path: "/cb?token=s3cret", clientIp: "203.0.113.9", coldStart: true }),
      served({ requestId: "b", status: 503, servedBy: "function", durationMs: 812.5 }),
      served({ requestId: "c", deploymentId: "d2", servedBy: "cache", cache: "HIT", endedAt: MINUTE + 61_000 }),
      served({ requestId: "d", deploymentId: "gone" }),
      served({ requestId: "e", servedBy: "image", bytes: 1234, clientIp: "2001:db8::1" }),
    ];
    const options = {
      maskerOf: () => createMasker(["s3cret"]),
      maskIp: (raw: string) => raw.replace(/\.\d+$/, ".0"),
    };
    const one = capturingStore();
    const byOne = recorderOn(one.store, options);
    for (const request of requests) byOne.request(request);
    await byOne.flush();
    const rows = capturingStore();
    const byRows = recorderOn(rows.store, options);
    byRows.requestRows(
      requestRowsOf(
        requests.map(({ endedAt, ...r }) => ({
          ...r,
          kind: "request",
          at: new Date(endedAt).toISOString(),
          projectId: "",
        })),
      ),
    );
    await byRows.flush();
    expect(byRows.stats).toEqual(byOne.stats);
    const written = rows.batches.flatMap((b) => b.requestRows ?? []);
    const entries = written.flatMap(({ projectId, rows: r }) =>
      requestEntriesOf(projectId, 1, r).map(({ seq, ...e }) => e),
    );
    expect(entries).toEqual(one.all().entries);
    expect(rows.all().errors).toEqual(one.all().errors);
    expect(rows.all().metrics).toEqual(one.all().metrics);
    expect(JSON.stringify(written)).not.toContain("s3cret");
    expect(JSON.stringify(written)).not.toContain("203.0.113.9");
  });
});
