import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import type { Queue } from "../queue.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

export interface QueueContractOptions extends ContractOptions<Queue> {
  /** The attempts `create` configures before a job goes dead. */
  maxAttempts: number;
  /** A new instance over the same storage as a closed one: the restart-durability case needs it. */
  reopen?: (closed: Queue) => Promise<Queue>;
  /** A lease/delay short enough to wait out in a test. Default 150 ms. */
  shortMs?: number;
}

/** The Queue contract: every adapter (SQLite, SQS, …) runs these cases. `close` must be idempotent. */
export function runQueueContract(options: QueueContractOptions): void {
  const short = options.shortMs ?? 150;
  const waitOut = () => sleep(short * 2 + 50);

  defineContract<Queue>(
    "Queue",
    options,
    (queue) => queue.close(),
    (test) => {
      test("enqueue then claim returns the job with its payload", async (queue) => {
        const id = await queue.enqueue("build", { deploymentId: "d1", nested: [1, "two"] });
        const job = await queue.claim(10_000);
        expect(job).toMatchObject({
          id,
          type: "build",
          payload: { deploymentId: "d1", nested: [1, "two"] },
          attempts: 1,
        });
        expect(Number.isNaN(Date.parse(job?.enqueuedAt ?? ""))).toBe(false);
      });

      test("claim returns null when nothing is ready", async (queue) => {
        expect(await queue.claim(10_000)).toBeNull();
        expect(await queue.pending()).toBe(0);
      });

      // No order is promised (SQS standard queues have none): the pipeline's handlers accept
      // their messages in any order, so the contract only asks that every ready job comes out.
      test("claim hands out every ready job, in any order", async (queue) => {
        const ids = await Promise.all([1, 2, 3].map((n) => queue.enqueue("build", n)));
        const claimed = [
          (await queue.claim(10_000))?.id,
          (await queue.claim(10_000))?.id,
          (await queue.claim(10_000))?.id,
        ];
        expect(claimed.sort()).toEqual([...ids].sort());
        expect(await queue.claim(10_000)).toBeNull();
      });

      test("concurrent claims never hand one job to two workers", async (queue) => {
        const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.enqueue("build", n)));
        const claims = await Promise.all(Array.from({ length: 10 }, () => queue.claim(10_000)));
        const claimed = claims.flatMap((job) => (job ? [job.id] : []));
        expect(claimed.sort()).toEqual([...ids].sort());
      });

      test("a job whose lease runs out is handed out again", async (queue) => {
        const id = await queue.enqueue("build", {});
        expect((await queue.claim(short))?.id).toBe(id);
        expect(await queue.claim(short)).toBeNull();
        await waitOut();
        expect(await queue.claim(10_000)).toMatchObject({ id, attempts: 2 });
      });

      test("extend keeps a lease alive and returns false once it is lost", async (queue) => {
        await queue.enqueue("build", {});
        const job = await queue.claim(short);
        expect(await queue.extend(job?.receipt ?? "", 10_000)).toBe(true);
        await waitOut();
        expect(await queue.claim(short)).toBeNull();
        expect(await queue.complete(job?.receipt ?? "")).toBe(true);
        expect(await queue.extend(job?.receipt ?? "", 10_000)).toBe(false);
        expect(await queue.extend("unknown.1", 10_000)).toBe(false);
      });

      test("complete removes the job", async (queue) => {
        await queue.enqueue("build", {});
        const job = await queue.claim(10_000);
        expect(await queue.pending()).toBe(1);
        expect(await queue.complete(job?.receipt ?? "")).toBe(true);
        expect(await queue.pending()).toBe(0);
        expect(await queue.claim(10_000)).toBeNull();
      });

      // SQS semantics: a worker whose lease ran out may still call complete/extend/fail with its
      // old receipt. That must not throw, nor hand the job to a third worker while the current
      // holder has it; whether the stale complete also removes the job is up to the adapter
      // (SQS may delete it), which is why handlers enqueue their next step before completing.
      test("a stale receipt completes, extends and fails silently", async (queue) => {
        const id = await queue.enqueue("build", {});
        const stale = await queue.claim(short);
        await waitOut();
        const current = await queue.claim(10_000);
        expect(current).toMatchObject({ id, attempts: 2 });
        await expect(queue.extend(stale?.receipt ?? "", 10_000)).resolves.toBeTypeOf("boolean");
        await expect(queue.fail(stale?.receipt ?? "", "late failure", { retryAfterMs: 0 })).resolves.toBeUndefined();
        expect(await queue.claim(10_000)).toBeNull(); // still leased to the current holder
        await expect(queue.complete(stale?.receipt ?? "")).resolves.toBeTypeOf("boolean");
        await expect(queue.complete(current?.receipt ?? "")).resolves.toBeTypeOf("boolean");
        expect(await queue.pending()).toBe(0);
        expect(await queue.claim(10_000)).toBeNull();
      });

      test("a delayed job is not claimable before its delay", async (queue) => {
        const id = await queue.enqueue("build", {}, { delayMs: short });
        expect(await queue.claim(10_000)).toBeNull();
        expect(await queue.pending()).toBe(1);
        await waitOut();
        expect((await queue.claim(10_000))?.id).toBe(id);
      });

      test("fail retries the job after retryAfterMs", async (queue) => {
        const id = await queue.enqueue("build", {});
        const job = await queue.claim(10_000);
        await queue.fail(job?.receipt ?? "", "npm install failed", { retryAfterMs: short });
        expect(await queue.claim(10_000)).toBeNull();
        await waitOut();
        expect(await queue.claim(10_000)).toMatchObject({ id, attempts: 2 });
      });

      test("fail on the last attempt drops the job to the dead set", async (queue) => {
        await queue.enqueue("build", {});
        for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
          const job = await queue.claim(10_000);
          expect(job?.attempts).toBe(attempt);
          if (job) await queue.fail(job.receipt, `failure ${attempt}`, { retryAfterMs: 0 });
        }
        expect(await queue.claim(10_000)).toBeNull();
        expect(await queue.pending()).toBe(0);
      });

      test("jobs survive closing and reopening the queue", async (queue) => {
        if (!options.reopen) throw new Error("reopen is required for this case; skip it with a reason instead");
        const leased = await queue.enqueue("build", { n: 1 });
        const waiting = await queue.enqueue("build", { n: 2 });
        await queue.claim(short);
        await queue.close();
        const reopened = await options.reopen(queue);
        try {
          expect(await reopened.pending()).toBe(2);
          await waitOut();
          const ids = [(await reopened.claim(10_000))?.id, (await reopened.claim(10_000))?.id];
          expect(ids.sort()).toEqual([leased, waiting].sort());
        } finally {
          await reopened.close();
        }
      });
    },
  );
}
