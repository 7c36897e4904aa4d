import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestEntry, requestRowsOf, runTelemetryStoreContract } from "@slipway/core/contracts";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_BLOCK_ENTRIES, migrateTelemetry } from "./schema.ts";
import { createSqliteTelemetryStore } from "./sqlite.ts";

const dirs: string[] = [];
async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-telemetry-"));
  dirs.push(dir);
  return join(dir, "telemetry.db");
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

runTelemetryStoreContract({ name: "sqlite", create: async () => createSqliteTelemetryStore(await tempFile()) });

describe("sqlite telemetry store", () => {
  it("keeps entries across a reopen and never reuses a seq after deletes", async () => {
    const path = await tempFile();
    const first = createSqliteTelemetryStore(path);
    await first.write({ entries: [requestEntry(), requestEntry()], errors: [], metrics: [] });
    const before = await first.entries({ projectId: "p1", limit: 10 });
    await first.deleteProject("p1");
    await first.close();
    const second = createSqliteTelemetryStore(path);
    await second.write({ entries: [requestEntry({ requestId: "later" })], errors: [], metrics: [] });
    const after = await second.entries({ projectId: "p1", limit: 10 });
    expect(after).toHaveLength(1);
    expect(after[0]?.seq).toBeGreaterThan(before.at(-1)?.seq ?? 0);
    await second.close();
  });
});

describe("sqlite telemetry store: entries in blocks", () => {
  const DAY = 86_400_000;
  const policy = {
    logsMaxAgeMs: 7 * DAY,
    maxEntriesPerProject: 1_000,
    maxErrorsPerProject: 1_000,
    minuteMaxAgeMs: DAY,
    hourMaxAgeMs: 30 * DAY,
    dayMaxAgeMs: 400 * DAY,
  };
  const batch = (ids: string[], over: Parameters<typeof requestEntry>[0] = {}) => ({
    entries: ids.map((requestId) => requestEntry({ requestId, ...over })),
    errors: [],
    metrics: [],
  });
  const idsOf = (entries: { kind: string; requestId?: string | null }[]) => entries.map((e) => e.requestId);

  it("reads the newest entries and a tail's next ones across blocks, and trims a block to a project's cap", async () => {
    const store = createSqliteTelemetryStore(await tempFile());
    // Three writes: three blocks of four entries.
    for (const n of [0, 4, 8]) await store.write(batch([0, 1, 2, 3].map((i) => `r${n + i}`)));
    const all = await store.entries({ projectId: "p1", limit: 100 });
    expect(idsOf(all)).toEqual(Array.from({ length: 12 }, (_, i) => `r${i}`));
    expect(idsOf(await store.entries({ projectId: "p1", limit: 6 }))).toEqual(["r6", "r7", "r8", "r9", "r10", "r11"]);
    const tail = await store.entries({ projectId: "p1", afterSeq: all[2]?.seq as number, limit: 3 });
    expect(idsOf(tail)).toEqual(["r3", "r4", "r5"]);

    // Cap 5: the two oldest blocks hold 8, so one goes whole and three of the next are cut.
    const result = await store.compact({ ...policy, maxEntriesPerProject: 5 }, Date.parse(all[0]?.at as string));
    expect(result.dropped.entries).toBe(7);
    const left = await store.entries({ projectId: "p1", limit: 100 });
    expect(left).toEqual(all.slice(7));
    // Seqs keep growing after the trim.
    await store.write(batch(["later"]));
    const [last] = await store.entries({ projectId: "p1", limit: 1 });
    expect(last?.seq).toBeGreaterThan(all.at(-1)?.seq as number);
    await store.close();
  });

  it("reads compact and plain request blocks side by side", async () => {
    const path = await tempFile();
    const store = createSqliteTelemetryStore(path);
    // A duration finer than the compact format keeps makes its block plain (format 2).
    for (const durationMs of [1.25, 1.234, 2.5])
      await store.write({
        entries: [],
        requestRows: [
          { projectId: "p1", rows: requestRowsOf([requestEntry({ requestId: `d${durationMs}`, durationMs })]) },
        ],
        errors: [],
        metrics: [],
      });
    const all = await store.entries({ projectId: "p1", limit: 10 });
    expect(all.map((e) => (e.kind === "request" ? [e.requestId, e.durationMs] : null))).toEqual([
      ["d1.25", 1.25],
      ["d1.234", 1.234],
      ["d2.5", 2.5],
    ]);
    await store.close();
    const db = new Database(path, { readonly: true });
    const formats = db.prepare("SELECT format FROM entry_blocks ORDER BY last_seq").pluck().all();
    db.close();
    expect(formats).toEqual([3, 2, 3]);
  });

  it("stores a hand-over of request rows larger than a block as blocks of at most MAX_BLOCK_ENTRIES", async () => {
    const path = await tempFile();
    const store = createSqliteTelemetryStore(path);
    const ids = Array.from({ length: MAX_BLOCK_ENTRIES * 2 + 5 }, (_, i) => `row${i}`);
    const rows = requestRowsOf(ids.map((requestId) => requestEntry({ requestId })));
    await store.write({ entries: [], requestRows: [{ projectId: "p1", rows }], errors: [], metrics: [] });
    const all = await store.entries({ projectId: "p1", limit: ids.length });
    expect(idsOf(all)).toEqual(ids);
    expect(all.map((e) => e.seq - (all[0]?.seq ?? 0))).toEqual(ids.map((_, i) => i));
    await store.close();
    const db = new Database(path, { readonly: true });
    const blocks = db.prepare("SELECT count, format FROM entry_blocks ORDER BY last_seq").all();
    db.close();
    expect(blocks).toEqual([
      { count: MAX_BLOCK_ENTRIES, format: 3 },
      { count: MAX_BLOCK_ENTRIES, format: 3 },
      { count: 5, format: 3 },
    ]);
  });

  it("drops entries older than the log retention from a block that also holds newer ones", async () => {
    const store = createSqliteTelemetryStore(await tempFile());
    const now = Date.parse("2026-01-10T00:00:00.000Z");
    const old = new Date(now - 8 * DAY).toISOString();
    const recent = new Date(now - DAY).toISOString();
    await store.write({
      entries: [
        requestEntry({ requestId: "old", at: old }),
        requestEntry({ requestId: "new", at: recent }),
        requestEntry({ requestId: "other", at: old, projectId: "p2" }),
      ],
      errors: [],
      metrics: [],
    });
    const result = await store.compact(policy, now);
    expect(result.dropped.entries).toBe(2);
    expect(idsOf(await store.entries({ projectId: "p1", limit: 10 }))).toEqual(["new"]);
    expect(await store.entries({ projectId: "p2", limit: 10 })).toEqual([]);
    expect(await store.dropped("p1")).toMatchObject({ entries: 1 });
    await store.close();
  });

  it("upgrades a file of entry rows (schema 1) into blocks, keeping every entry and its seq", async () => {
    const path = await tempFile();
    const db = new Database(path);
    migrateTelemetry(db, 1);
    const insert = db.prepare(
      "INSERT INTO entries (project_id, deployment_id, at, kind, status, body) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const at = "2026-01-01T00:00:00.000Z";
    const request = {
      requestId: "a",
      method: "GET",
      path: "/x?y=1",
      status: 503,
      durationMs: 1.25,
      bytes: 10,
      coldStart: true,
      servedBy: "function",
      cache: "MISS",
      clientIp: "203.0.113.0",
    };
    insert.run("p1", "d1", at, "request", 503, JSON.stringify(request));
    insert.run("p2", "d9", at, "request", 200, JSON.stringify({ ...request, requestId: "gone" }));
    insert.run("p1", "d2", at, "log", null, JSON.stringify({ requestId: null, level: "warn", text: "careful" }));
    insert.run("p2", "d9", at, "request", 200, JSON.stringify({ ...request, requestId: "b", cache: null }));
    db.prepare("DELETE FROM entries WHERE body LIKE '%gone%'").run();
    db.close();

    const store = createSqliteTelemetryStore(path);
    expect(await store.entries({ projectId: "p1", limit: 10 })).toEqual([
      { kind: "request", seq: 1, at, projectId: "p1", deploymentId: "d1", ...request },
      { kind: "log", seq: 3, at, projectId: "p1", deploymentId: "d2", requestId: null, level: "warn", text: "careful" },
    ]);
    expect(await store.entries({ projectId: "p2", limit: 10 })).toEqual([
      { kind: "request", seq: 4, at, projectId: "p2", deploymentId: "d9", ...request, requestId: "b", cache: null },
    ]);
    expect(idsOf(await store.entries({ projectId: "p1", status: { min: 500, max: 599 }, limit: 10 }))).toEqual(["a"]);
    await store.write(batch(["after"]));
    expect((await store.entries({ projectId: "p1", limit: 1 }))[0]?.seq).toBe(5);
    await store.close();
  });
});
