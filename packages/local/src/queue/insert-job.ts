import { newId, nowIso } from "@slipway/core";
import type Database from "better-sqlite3";

export interface NewJob {
  type: string;
  payload: unknown;
  /** Epoch ms before which the job is not claimable. */
  runAt: number;
}

/**
 * The one way a row gets into `queue_jobs`: the queue's `enqueue` and the store's outbox (a job
 * written in the same transaction as a deployment) share it, so both write the same shape.
 */
export function prepareInsertJob(db: Database.Database): (job: NewJob) => string {
  const insert = db.prepare(
    `INSERT INTO queue_jobs (id, type, payload, run_at, enqueued_at) VALUES (@id, @type, @payload, @runAt, @enqueuedAt)`,
  );
  return (job) => {
    const id = newId(16);
    insert.run({
      id,
      type: job.type,
      payload: JSON.stringify(job.payload ?? null),
      runAt: job.runAt,
      enqueuedAt: nowIso(),
    });
    return id;
  };
}
