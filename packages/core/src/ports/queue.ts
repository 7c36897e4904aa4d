/**
 * Durable job queue (SQLite locally, SQS on AWS). At-least-once: a job whose lease runs out
 * (its worker died) is handed out again, so handlers must be idempotent.
 */
export interface Job<P = unknown> {
  id: string;
  type: string;
  payload: P;
  attempts: number;
  enqueuedAt: string;
}

export interface Queue {
  readonly name: string;
  enqueue(type: string, payload: unknown, options?: { delayMs?: number }): Promise<string>;
  /** Leases the oldest ready job for `leaseMs`; null when none is ready. */
  claim(leaseMs: number): Promise<Job | null>;
  /** Keeps a long job's lease alive. Returns false when the lease was lost. */
  extend(jobId: string, leaseMs: number): Promise<boolean>;
  complete(jobId: string): Promise<void>;
  /** Gives the job back to be retried after `delayMs`, or drops it to the dead-letter set. */
  fail(jobId: string, error: string, options?: { retryAfterMs?: number }): Promise<void>;
  /** Jobs neither completed nor dead. */
  pending(): Promise<number>;
  close(): Promise<void>;
}
