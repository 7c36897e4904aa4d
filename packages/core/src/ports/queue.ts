/**
 * Durable job queue (SQLite locally, SQS on AWS), with SQS's guarantees and no more: at least
 * once (a job whose lease runs out is handed out again), in no particular order, and a stale
 * receipt is accepted silently. Handlers must be idempotent and order-independent.
 */
export interface Job<P = unknown> {
  id: string;
  type: string;
  payload: P;
  attempts: number;
  enqueuedAt: string;
  /**
   * Proof of this one claim (SQS's receipt handle). extend/complete/fail take it, so a worker
   * whose lease ran out cannot finish a job another worker has claimed since.
   */
  receipt: string;
}

export interface Queue {
  readonly name: string;
  enqueue(type: string, payload: unknown, options?: { delayMs?: number }): Promise<string>;
  /** Leases a ready job (any one) for `leaseMs`; null when none is ready. */
  claim(leaseMs: number): Promise<Job | null>;
  /** Keeps a long job's lease alive. Returns false when the lease was lost. */
  extend(receipt: string, leaseMs: number): Promise<boolean>;
  /**
   * Removes the job. Returns false when the adapter knows the receipt is stale (the job was
   * claimed again); an adapter that cannot tell (SQS) returns true. Never throws for a stale one.
   */
  complete(receipt: string): Promise<boolean>;
  /** Gives the job back to be retried after `delayMs`, or drops it to the dead-letter set. */
  fail(receipt: string, error: string, options?: { retryAfterMs?: number }): Promise<void>;
  /** Jobs neither completed nor dead. */
  pending(): Promise<number>;
  close(): Promise<void>;
}
