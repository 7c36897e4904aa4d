import type { Queue, Store } from "@slipway/core";
import { runLogStoreContract, runStoreContract } from "@slipway/core/contracts";
import { createMemoryQueue } from "@slipway/memory";
import { afterAll, beforeAll } from "vitest";
import { createStreamPump, type DynamoDbLocal, pumpedQueue, startDynamoDbLocal } from "../test-support/index.ts";
import { createDynamoLogStore } from "./log-store.ts";
import { createDynamoStore } from "./store.ts";

// The Store and LogStore contracts against DynamoDB Local: one emulator for the file, a fresh table per case.
// The outbox reaches its queue the way it does on AWS: the table's stream, read record by record,
// through the same relay the stream's Lambda runs.
let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
});
afterAll(async () => {
  await local?.stop();
});

const tables = new WeakMap<Store, string>();
const outboxes = new WeakMap<Store, Queue>();

runStoreContract({
  name: "dynamodb",
  create: async () => {
    const tableName = await local.createStoreTable();
    const store = createDynamoStore({ tableName, client: local.client });
    tables.set(store, tableName);
    const queue = createMemoryQueue();
    outboxes.set(store, pumpedQueue(queue, createStreamPump(local.client, tableName, queue)));
    return store;
  },
  outboxOf: (store) => outboxes.get(store) as Queue,
  dispose: async (store) => {
    const tableName = tables.get(store);
    if (tableName) await local.deleteTable(tableName);
  },
});

const logTables = new WeakMap<object, string>();
runLogStoreContract({
  name: "dynamodb",
  create: async () => {
    const tableName = await local.createStoreTable();
    const logs = createDynamoLogStore({ tableName, client: local.client });
    logTables.set(logs, tableName);
    return logs;
  },
  dispose: async (logs) => {
    const tableName = logTables.get(logs);
    if (tableName) await local.deleteTable(tableName);
  },
});
