import { appendFileSync } from "node:fs";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Where each counted window began and ended (CLOCK_MONOTONIC ns, the clock `perf record -k mono`
 * stamps samples with), its requests and its measure, one JSON line per window: to split a profile
 * of the bench by side, or to pair the windows' measures.
 */
const WINDOW_LOG = process.env.BENCH_WINDOW_LOG;

/**
 * Two sides of one comparison taken in alternating windows of one continuous load, so that no
 * load generator starts or stops between them. Separate autocannon runs of a few seconds each
 * read single ratios from 0.73 to 1.16 on a 2-vCPU VM where both sides were the same: too coarse
 * for a goal of a few percent. Each window counts only after its first `settleMs` (what the
 * switch or the window before left behind is done by then).
 */
export interface WindowPlan<S extends string, M, X> {
  /** The two sides; each pair's ratio is the first's rate over the second's. */
  readonly sides: readonly [S, S];
  readonly pairs: number;
  readonly windowMs: number;
  readonly settleMs: number;
  /** Puts what is measured on a side, at the start of each of its windows. */
  switchTo(side: S): void;
  /** Requests answered so far, as the server counts them (any count that only grows). */
  answered(): number;
  /** An optional measure of each window: begun after the settle, ended with the window. */
  begin?(): M;
  end?(begun: M, requests: number): X;
}

export interface Window<X> {
  readonly rps: number;
  readonly measure: X | undefined;
}

export interface WindowResults<X> {
  /** Per pair, first side's rate / second side's. */
  readonly ratios: number[];
  readonly first: Window<X>[];
  readonly second: Window<X>[];
}

/** Runs plan.pairs pairs of windows (which side goes first alternates) while a load runs. */
export async function alternateWindows<S extends string, M = undefined, X = undefined>(
  plan: WindowPlan<S, M, X>,
): Promise<WindowResults<X>> {
  const window = async (side: S): Promise<Window<X>> => {
    plan.switchTo(side);
    await sleep(plan.settleMs);
    const started = performance.now();
    const startedNs = process.hrtime.bigint();
    const before = plan.answered();
    const begun = plan.begin?.();
    await sleep(plan.windowMs - plan.settleMs);
    const requests = plan.answered() - before;
    const measure = begun === undefined ? undefined : plan.end?.(begun, requests);
    if (WINDOW_LOG) {
      const line = { side, startNs: String(startedNs), endNs: String(process.hrtime.bigint()), requests, measure };
      appendFileSync(WINDOW_LOG, `${JSON.stringify(line)}\n`);
    }
    return { rps: requests / ((performance.now() - started) / 1000), measure };
  };
  const [a, b] = plan.sides;
  const results: WindowResults<X> = { ratios: [], first: [], second: [] };
  for (let pair = 0; pair < plan.pairs; pair++) {
    const order = pair % 2 === 0 ? [a, b] : [b, a];
    const taken = new Map<S, Window<X>>();
    for (const side of order) taken.set(side, await window(side));
    const [first, second] = [taken.get(a) as Window<X>, taken.get(b) as Window<X>];
    results.first.push(first);
    results.second.push(second);
    results.ratios.push(first.rps / Math.max(1e-9, second.rps));
  }
  return results;
}

/** Seconds of load that plan's windows need, plus a margin for the load to become steady. */
export function loadSecondsFor(plan: { pairs: number; windowMs: number }, marginSeconds = 3): number {
  return Math.ceil((plan.pairs * 2 * plan.windowMs) / 1000) + marginSeconds;
}
