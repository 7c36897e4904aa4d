import { edgeRequest } from "./edge.ts";

export interface ProductionWatchOptions {
  edgePort: number;
  host: string;
  /** Polled in turn: e.g. a static page (served by the edge) and a dynamic one (a worker). */
  paths: string[];
  /** Which deployment version a 200 body belongs to, or null when it carries no marker. */
  versionOf(path: string, body: string): number | null;
  /** A request that takes longer than this while the platform is up is a failure. */
  timeoutMs?: number;
  /** Pause between requests: the builds under test need the CPU too. */
  pauseMs?: number;
}

export interface ProductionWatchReport {
  ok: number;
  /** Connection errors while the platform was down (or went down mid-request): expected. */
  refusedWhileDown: number;
  failures: string[];
}

/**
 * Polls the production host on the edge for the whole crash test and judges every answer:
 * while the platform is up each one must be a 200 carrying a version in [floor, ceiling]
 * (floor: the newest version production has served, or one the test raised it to, so production
 * never goes back; ceiling: the newest accepted one). Aliases move just after `ready` (a kill
 * in between finishes the move after the restart), so `ready` alone does not raise the floor. A refused or
 * reset connection is fine only while the platform is down or if it went down mid-request.
 * Floor and ceiling are read when a request starts, so a status the test learns of later can
 * never make an answer that was right at the time look wrong.
 */
export function watchProduction(options: ProductionWatchOptions) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pauseMs = options.pauseMs ?? 25;
  const report: ProductionWatchReport = { ok: 0, refusedWhileDown: 0, failures: [] };
  let down = false;
  let kills = 0;
  let floor = 0;
  let ceiling = 0;
  let stopped = false;

  const fail = (message: string) => {
    // Keep the first ones: they are the interesting ones, and a broken run would otherwise flood.
    if (report.failures.length < 20) report.failures.push(`${new Date().toISOString()} ${message}`);
  };

  const probe = async (path: string) => {
    const at = { kills, floor, ceiling };
    let timer: NodeJS.Timeout | undefined;
    try {
      const response = await Promise.race([
        edgeRequest(options.edgePort, options.host, path),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (response.status !== 200) {
        fail(`${path} answered ${response.status}: ${response.text.slice(0, 300)}`);
        return;
      }
      const version = options.versionOf(path, response.text);
      if (version === null) fail(`${path} answered 200 without a version marker: ${response.text.slice(0, 300)}`);
      else if (version < at.floor || version > at.ceiling)
        fail(`${path} served version ${version}; expected ${at.floor}..${at.ceiling}`);
      else {
        report.ok++;
        floor = Math.max(floor, version);
      }
    } catch (error) {
      if (down || kills !== at.kills) report.refusedWhileDown++;
      else fail(`${path} failed while the platform was up: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };

  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      await probe(options.paths[i % options.paths.length] as string);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();

  return {
    report,
    /** Call just before killing the platform. */
    markDown() {
      down = true;
      kills++;
    },
    /** Call once the restarted platform answers its health check. */
    markUp() {
      down = false;
    },
    /** A deployment of this version was seen ready: production may never serve older. */
    raiseFloor(version: number) {
      floor = Math.max(floor, version);
    },
    /** A deployment of this version was accepted: production may serve it from now on. */
    raiseCeiling(version: number) {
      ceiling = Math.max(ceiling, version);
    },
    async stop(): Promise<ProductionWatchReport> {
      stopped = true;
      await loop;
      return report;
    },
  };
}

export type ProductionWatch = ReturnType<typeof watchProduction>;
