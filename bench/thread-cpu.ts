import { readdirSync, readFileSync } from "node:fs";

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** CPU time so far of each of this process's threads (Linux: /proc/self/task), µs by thread id. */
export function threadCpu(): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      // The fields after the command name (which may hold spaces) start after its closing parenthesis.
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpu.set(tid, (Number(fields[11]) + Number(fields[12])) * TICK_US);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return cpu;
}

export interface ThreadSplit {
  /** The main thread's (the edge's request thread). */
  readonly request: number;
  /** The busiest other thread's: with logging on, the telemetry thread. */
  readonly busiest: number;
  /** Every other thread's: V8's GC helpers, libuv's pool. */
  readonly rest: number;
}

/** CPU µs per request between two threadCpu() readings, split by thread. */
export function splitPerRequest(
  before: Map<string, number>,
  after: Map<string, number>,
  requests: number,
): ThreadSplit {
  const main = String(process.pid);
  const others = [...after].filter(([tid]) => tid !== main).map(([tid, us]) => us - (before.get(tid) ?? 0));
  const busiest = Math.max(0, ...others);
  const n = Math.max(1, requests);
  return {
    request: ((after.get(main) ?? 0) - (before.get(main) ?? 0)) / n,
    busiest: busiest / n,
    rest: (others.reduce((a, b) => a + b, 0) - busiest) / n,
  };
}
