import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Queue, Store } from "@slipway/core";
import { runStoreContract } from "@slipway/core/contracts";
import { afterAll } from "vitest";
import { createSqliteQueue } from "../queue/sqlite.ts";
import { openSqlite, type SqliteDatabase } from "../sqlite/open.ts";
import { createSqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The store and its outbox queue share one file, as on the platform.
const queues = new WeakMap<Store, Queue>();
const dbs = new WeakMap<Store, SqliteDatabase>();
runStoreContract({
  name: "sqlite",
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-store-"));
    dirs.push(dir);
    const db = openSqlite(join(dir, "slipway.db"));
    const store = createSqliteStore(db);
    queues.set(store, createSqliteQueue(db));
    dbs.set(store, db);
    return store;
  },
  outboxOf: (store) => queues.get(store) as Queue,
  dispose: async (store) => {
    dbs.get(store)?.close();
  },
});
