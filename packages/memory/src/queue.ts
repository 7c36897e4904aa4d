import { randomUUID } from "node:crypto";
import type { Job, Queue } from "@slipway/core";

export interface MemoryQueueOptions {
  /** Attempts (claims) before a job goes to the dead set. Default 5. */
  maxAttempts?: number;
  /** Clock in epoch ms; tests move it instead of sleeping. */
  now?: () => number;
}

interface Entry {
  id: string;
  type: string;
  payload: string;
  attempts: number;
  enqueuedAt: string;
  runAt: number;
  lockedUntil: number | null;
  dead: boolean;
}

export type MemoryQueue = Queue & {
  /** Enqueues without yielding, so the memory store can commit a row and its outbox as one step. */
  enqueueNow(type: string, payload: unknown, delayMs?: number): string;
};

/**
 * The Queue in memory, with the SQLite queue's fencing: a receipt is `<id>.<attempt>`, so a
 * holder whose lease ran out changes nothing. Payloads go through JSON like on the wire, so a
 * handler can never rely on sharing an object with the sender.
 */
export function createMemoryQueue(options: MemoryQueueOptions = {}): MemoryQueue {
  const maxAttempts = options.maxAttempts ?? 5;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, Entry>();

  // The claim a receipt names, while no newer claim replaced it (SQLite's `attempts = @attempts`).
  const claimOf = (receipt: string): Entry | null => {
    const dot = receipt.lastIndexOf(".");
    const entry = jobs.get(receipt.slice(0, dot));
    return entry && !entry.dead && entry.attempts === Number(receipt.slice(dot + 1)) ? entry : null;
  };
  const enqueueNow = (type: string, payload: unknown, delayMs = 0): string => {
    const id = randomUUID();
    const at = now();
    const json = JSON.stringify(payload ?? null);
    jobs.set(id, {
      id,
      type,
      payload: json,
      attempts: 0,
      enqueuedAt: new Date(at).toISOString(),
      runAt: at + delayMs,
      lockedUntil: null,
      dead: false,
    });
    return id;
  };

  return {
    name: "memory",
    enqueueNow,
    async enqueue(type, payload, enqueueOptions) {
      return enqueueNow(type, payload, enqueueOptions?.delayMs);
    },
    async claim(leaseMs) {
      const at = now();
      let chosen: Entry | null = null;
      for (const entry of jobs.values()) {
        if (entry.dead || entry.runAt > at || (entry.lockedUntil !== null && entry.lockedUntil > at)) continue;
        // A job whose lease ran out maxAttempts times keeps killing its worker: bury it.
        if (entry.lockedUntil !== null && entry.attempts >= maxAttempts) {
          entry.dead = true;
          continue;
        }
        if (!chosen || entry.runAt < chosen.runAt) chosen = entry;
      }
      if (!chosen) return null;
      chosen.attempts += 1;
      chosen.lockedUntil = at + leaseMs;
      const job: Job = {
        id: chosen.id,
        type: chosen.type,
        payload: JSON.parse(chosen.payload) as unknown,
        attempts: chosen.attempts,
        enqueuedAt: chosen.enqueuedAt,
        receipt: `${chosen.id}.${chosen.attempts}`,
      };
      return job;
    },
    async extend(receipt, leaseMs) {
      const at = now();
      const entry = claimOf(receipt);
      if (!entry || entry.lockedUntil === null || entry.lockedUntil <= at) return false;
      entry.lockedUntil = at + leaseMs;
      return true;
    },
    async complete(receipt) {
      const entry = claimOf(receipt);
      return entry !== null && jobs.delete(entry.id);
    },
    async fail(receipt, _error, failOptions) {
      const at = now();
      const entry = claimOf(receipt);
      if (!entry) return;
      entry.lockedUntil = null;
      entry.runAt = at + (failOptions?.retryAfterMs ?? Math.min(1000 * 2 ** (entry.attempts - 1), 300_000));
      if (entry.attempts >= maxAttempts) entry.dead = true;
    },
    async pending() {
      return [...jobs.values()].filter((entry) => !entry.dead).length;
    },
    async close() {},
  };
}
