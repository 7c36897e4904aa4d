import type { Job, Queue } from "@slipway/core";
import { resolveDatabase, type SqliteDatabase } from "../sqlite/open.ts";
import { prepareInsertJob } from "./insert-job.ts";

export interface SqliteQueueOptions {
  /** Attempts (claims) before a job goes to the dead set. Default 5. */
  maxAttempts?: number;
  /** Delay before a failed job is retried when `fail` gives none. Default: 1 s, 2 s, 4 s … ≤ 5 min. */
  retryDelayMs?: (attempts: number) => number;
  /** Clock in epoch ms; tests move it instead of sleeping. */
  now?: () => number;
}

export interface DeadJob extends Job {
  lastError: string | null;
}

export type SqliteQueue = Queue & {
  /** Returns every held lease at once; for startup, when the only consumer (the previous process) is gone. */
  releaseAll(): Promise<number>;
  /** Jobs that ran out of attempts, oldest first. */
  dead(): Promise<DeadJob[]>;
};

interface JobRow {
  id: string;
  type: string;
  payload: string;
  attempts: number;
  last_error: string | null;
  enqueued_at: string;
}

// The attempt number fences a claim: every claim increments it, so `<id>.<attempts>` names one
// claim and a stale holder's writes match no row.
const jobFromRow = (row: JobRow): Job => ({
  id: row.id,
  type: row.type,
  payload: JSON.parse(row.payload) as unknown,
  attempts: row.attempts,
  enqueuedAt: row.enqueued_at,
  receipt: `${row.id}.${row.attempts}`,
});

function parseReceipt(receipt: string): { id: string; attempts: number } {
  const dot = receipt.lastIndexOf(".");
  return { id: receipt.slice(0, dot), attempts: Number(receipt.slice(dot + 1)) };
}

const defaultRetryDelay = (attempts: number) => Math.min(1000 * 2 ** Math.max(attempts - 1, 0), 300_000);

/**
 * Durable job queue in the `queue_jobs` table: every state change is a committed SQLite write, so
 * jobs survive a restart. A claim is one UPDATE … RETURNING, atomic against every other
 * connection to the file. Completed jobs are deleted; dead ones stay for inspection.
 */
export function createSqliteQueue(target: string | SqliteDatabase, options: SqliteQueueOptions = {}): SqliteQueue {
  const { db, owned } = resolveDatabase(target);
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelay;
  const now = options.now ?? Date.now;

  const insertJob = prepareInsertJob(db);
  // A job whose lease ran out this many times is poison (it keeps killing its worker): bury it
  // rather than hand it out forever.
  const buryExhausted = db.prepare<{ now: number; max: number }>(
    `UPDATE queue_jobs SET state = 'dead', locked_until = NULL,
       last_error = coalesce(last_error, 'lease expired ' || attempts || ' times')
     WHERE state = 'ready' AND locked_until <= @now AND attempts >= @max`,
  );
  const claim = db.prepare<{ now: number; until: number }, JobRow>(
    `UPDATE queue_jobs SET locked_until = @until, attempts = attempts + 1
     WHERE id = (
       SELECT id FROM queue_jobs
       WHERE state = 'ready' AND run_at <= @now AND (locked_until IS NULL OR locked_until <= @now)
       ORDER BY run_at, rowid LIMIT 1)
     RETURNING *`,
  );
  const extend = db.prepare<{ id: string; attempts: number; now: number; until: number }>(
    `UPDATE queue_jobs SET locked_until = @until
     WHERE id = @id AND attempts = @attempts AND state = 'ready' AND locked_until > @now`,
  );
  const complete = db.prepare<{ id: string; attempts: number }>(
    "DELETE FROM queue_jobs WHERE id = @id AND attempts = @attempts AND state = 'ready'",
  );
  const fail = db.prepare<{ id: string; attempts: number; error: string; runAt: number; max: number }>(
    `UPDATE queue_jobs SET locked_until = NULL, last_error = @error, run_at = @runAt,
       state = CASE WHEN attempts >= @max THEN 'dead' ELSE 'ready' END
     WHERE id = @id AND attempts = @attempts AND state = 'ready'`,
  );
  const pending = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM queue_jobs WHERE state = 'ready'");
  const releaseAll = db.prepare(
    "UPDATE queue_jobs SET locked_until = NULL WHERE state = 'ready' AND locked_until IS NOT NULL",
  );
  const dead = db.prepare<[], JobRow>("SELECT * FROM queue_jobs WHERE state = 'dead' ORDER BY enqueued_at, rowid");

  const claimTx = db.transaction((at: number, leaseMs: number) => {
    buryExhausted.run({ now: at, max: maxAttempts });
    return claim.get({ now: at, until: at + leaseMs }) ?? null;
  });
  const failTx = db.transaction((receipt: string, error: string, retryAfterMs: number | undefined) => {
    const { id, attempts } = parseReceipt(receipt);
    const runAt = now() + (retryAfterMs ?? retryDelayMs(attempts));
    fail.run({ id, attempts, error, runAt, max: maxAttempts });
  });

  return {
    name: "sqlite",
    async enqueue(type, payload, enqueueOptions) {
      return insertJob({ type, payload, runAt: now() + (enqueueOptions?.delayMs ?? 0) });
    },
    async claim(leaseMs) {
      const row = claimTx.immediate(now(), leaseMs);
      return row ? jobFromRow(row) : null;
    },
    async extend(receipt, leaseMs) {
      const at = now();
      return extend.run({ ...parseReceipt(receipt), now: at, until: at + leaseMs }).changes === 1;
    },
    async complete(receipt) {
      return complete.run(parseReceipt(receipt)).changes === 1;
    },
    async fail(receipt, error, failOptions) {
      failTx.immediate(receipt, error, failOptions?.retryAfterMs);
    },
    async pending() {
      return pending.get()?.n ?? 0;
    },
    async releaseAll() {
      return releaseAll.run().changes;
    },
    async dead() {
      return dead.all().map((row) => ({ ...jobFromRow(row), lastError: row.last_error }));
    },
    async close() {
      if (owned && db.open) db.close();
    },
  };
}
