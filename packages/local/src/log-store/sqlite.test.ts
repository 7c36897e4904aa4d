import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogStore } from "@slipway/core";
import { runLogStoreContract } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { openSqlite, type SqliteDatabase } from "../sqlite/open.ts";
import { createSqliteLogStore } from "./sqlite.ts";

const dirs: string[] = [];
async function tempDb(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-logs-"));
  dirs.push(dir);
  return join(dir, "slipway.db");
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const connections = new WeakMap<LogStore, SqliteDatabase>();
runLogStoreContract({
  name: "sqlite",
  create: async () => {
    const db = openSqlite(await tempDb());
    const logs = createSqliteLogStore(db);
    connections.set(logs, db);
    return logs;
  },
  dispose: async (logs) => {
    connections.get(logs)?.close();
  },
});

describe("sqlite log store", () => {
  it("continues the seq after a restart", async () => {
    const path = await tempDb();
    const first = openSqlite(path);
    await createSqliteLogStore(first).append("d1", [{ at: "t", stream: "stdout", text: "a" }]);
    first.close();
    const second = openSqlite(path);
    const logs = createSqliteLogStore(second);
    await logs.append("d1", [{ at: "t", stream: "stdout", text: "b" }]);
    expect((await logs.read("d1")).map((l) => l.seq)).toEqual([1, 2]);
    second.close();
  });
});
