import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Queue } from "@slipway/core";
import { runQueueContract } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { openSqlite } from "../sqlite/open.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import { createSqliteQueue } from "./sqlite.ts";

const dirs: string[] = [];
async function tempDb(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-queue-"));
  dirs.push(dir);
  return join(dir, "slipway.db");
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const paths = new WeakMap<Queue, string>();
runQueueContract({
  name: "sqlite",
  maxAttempts: 3,
  create: async () => {
    const path = await tempDb();
    const queue = createSqliteQueue(path, { maxAttempts: 3 });
    paths.set(queue, path);
    return queue;
  },
  reopen: async (closed) => createSqliteQueue(paths.get(closed) ?? "", { maxAttempts: 3 }),
});

describe("sqlite queue", () => {
  // Stricter than the contract (which allows SQS's silent stale receipts): the attempt number
  // fences a claim, so a stale holder's complete, extend or fail changes nothing.
  it("fences stale receipts: a worker whose lease ran out cannot complete, extend or fail the job", async () => {
    let now = 1_000_000;
    const queue = createSqliteQueue(await tempDb(), { now: () => now });
    await queue.enqueue("build", {});
    const stale = await queue.claim(100);
    now += 200;
    const current = await queue.claim(60_000);
    expect(await queue.complete(stale?.receipt ?? "")).toBe(false);
    expect(await queue.extend(stale?.receipt ?? "", 60_000)).toBe(false);
    await queue.fail(stale?.receipt ?? "", "late", { retryAfterMs: 0 });
    expect(await queue.pending()).toBe(1);
    expect(await queue.claim(60_000)).toBeNull();
    expect(await queue.complete(current?.receipt ?? "")).toBe(true);
    await queue.close();
  });

  it("releaseAll returns the dead process's leases at startup", async () => {
    const path = await tempDb();
    const before = createSqliteQueue(path);
    const id = await before.enqueue("build", {});
    await before.claim(60_000);
    await before.close();
    const after = createSqliteQueue(path);
    expect(await after.claim(60_000)).toBeNull();
    expect(await after.releaseAll()).toBe(1);
    expect(await after.claim(60_000)).toMatchObject({ id, attempts: 2 });
    await after.close();
  });

  it("a job whose lease keeps expiring goes dead after maxAttempts", async () => {
    let clock = 1_000_000;
    const queue = createSqliteQueue(await tempDb(), { maxAttempts: 2, now: () => clock });
    const id = await queue.enqueue("build", {});
    for (let i = 0; i < 2; i++) {
      expect((await queue.claim(1000))?.id).toBe(id);
      clock += 2000;
    }
    expect(await queue.claim(1000)).toBeNull();
    expect(await queue.dead()).toMatchObject([{ id, attempts: 2, lastError: "lease expired 2 times" }]);
    await queue.close();
  });

  it("fail without retryAfterMs backs off by the configured delay and keeps the error", async () => {
    let clock = 1_000_000;
    const queue = createSqliteQueue(await tempDb(), { maxAttempts: 1, now: () => clock, retryDelayMs: () => 5000 });
    const id = await queue.enqueue("build", {});
    const job = await queue.claim(1000);
    await queue.fail(job?.receipt ?? "", "boom");
    expect(await queue.dead()).toMatchObject([{ id, lastError: "boom" }]);
    const retrying = createSqliteQueue(await tempDb(), { maxAttempts: 3, now: () => clock, retryDelayMs: () => 5000 });
    const other = await retrying.enqueue("build", {});
    const claimed = await retrying.claim(1000);
    await retrying.fail(claimed?.receipt ?? "", "flaky");
    clock += 4999;
    expect(await retrying.claim(1000)).toBeNull();
    clock += 1;
    expect((await retrying.claim(1000))?.id).toBe(other);
    await Promise.all([queue.close(), retrying.close()]);
  });

  it("shares one file with the store without owning its connection", async () => {
    const db = openSqlite(await tempDb());
    const store = createSqliteStore(db);
    const queue = createSqliteQueue(db);
    await queue.enqueue("build", {});
    await queue.close();
    await store.close();
    expect(db.open).toBe(true);
    expect(await createSqliteQueue(db).pending()).toBe(1);
    db.close();
  });
});
