import { readdirSync, readFileSync } from "node:fs";

const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** One thread's time so far, µs: on a CPU, and runnable but waiting for one. */
export interface ThreadTime {
  readonly run: number;
  readonly wait: number;
}

/**
 * CPU time so far of each of this process's threads, µs by thread id: from the scheduler's own
 * counters (/proc/self/task/<tid>/schedstat, ns), which also say how long each thread waited for
 * a CPU while it could have run.
 */
export function threadCpu(): Map<string, ThreadTime> {
  const times = new Map<string, ThreadTime>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").split(" ");
      times.set(tid, { run: Number(run) / 1000, wait: Number(wait) / 1000 });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return times;
}

/** Idle time so far of one CPU, µs (/proc/stat: idle and iowait, in ticks). */
export function cpuIdle(cpu: number): number {
  const line = readFileSync("/proc/stat", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`cpu${cpu} `));
  const fields = (line ?? "").split(/\s+/);
  return (Number(fields[4]) + Number(fields[5])) * TICK_US;
}

export interface ThreadSplit {
  /** The main thread's (the edge's request thread). */
  readonly request: number;
  /** The telemetry thread's: the threads given by id, else the busiest other thread. */
  readonly telemetry: number;
  /** Every other thread's: V8's GC helpers, libuv's pool. */
  readonly rest: number;
  /** The main thread's time runnable but waiting for a CPU (another thread had it). */
  readonly requestWait: number;
}

/** CPU µs per request between two threadCpu() readings, split by thread. */
export function splitPerRequest(
  before: Map<string, ThreadTime>,
  after: Map<string, ThreadTime>,
  requests: number,
  telemetryThreads?: ReadonlySet<string>,
): ThreadSplit {
  const main = String(process.pid);
  const ran = (tid: string) => (after.get(tid)?.run ?? 0) - (before.get(tid)?.run ?? 0);
  const others = [...after.keys()].filter((tid) => tid !== main);
  const total = others.reduce((sum, tid) => sum + ran(tid), 0);
  const telemetry = telemetryThreads
    ? others.filter((tid) => telemetryThreads.has(tid)).reduce((sum, tid) => sum + ran(tid), 0)
    : Math.max(0, ...others.map(ran));
  const n = Math.max(1, requests);
  return {
    request: ran(main) / n,
    telemetry: telemetry / n,
    rest: (total - telemetry) / n,
    requestWait: ((after.get(main)?.wait ?? 0) - (before.get(main)?.wait ?? 0)) / n,
  };
}
