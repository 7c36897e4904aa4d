/**
 * A cap on bytes of request bodies held in memory at once, shared by every request that uses it.
 * A request reserves its size before reading; one that does not fit waits its turn (first come,
 * first served) for a short while, then is turned away, so memory stays bounded however many
 * senders post at once.
 */
export interface ByteBudget {
  /** Resolves to a release function, or null when `bytes` did not fit within `waitMs`. */
  acquire(bytes: number, waitMs: number): Promise<(() => void) | null>;
  /** Bytes reserved right now. */
  readonly reserved: number;
}

interface Waiter {
  bytes: number;
  grant: () => void;
}

export function createByteBudget(limit: number): ByteBudget {
  let reserved = 0;
  const waiters: Waiter[] = [];

  const releaser = (bytes: number) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      reserved -= bytes;
      // In order: a large waiter at the head is not starved by smaller ones behind it.
      while (waiters.length > 0 && reserved + (waiters[0] as Waiter).bytes <= limit) {
        const next = waiters.shift() as Waiter;
        reserved += next.bytes;
        next.grant();
      }
    };
  };

  return {
    get reserved() {
      return reserved;
    },
    acquire(bytes, waitMs) {
      if (bytes > limit) return Promise.resolve(null);
      if (waiters.length === 0 && reserved + bytes <= limit) {
        reserved += bytes;
        return Promise.resolve(releaser(bytes));
      }
      return new Promise((resolve) => {
        const waiter: Waiter = {
          bytes,
          grant: () => {
            clearTimeout(timer);
            resolve(releaser(bytes));
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(null);
        }, waitMs);
        waiters.push(waiter);
      });
    },
  };
}
