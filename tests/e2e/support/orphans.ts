import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Processes that still mention `dir` (in their command line or as their working directory),
 * except those `keep` accepts. After the platform is SIGKILLed, its function-host workers must
 * die with it. Builds are not its children any more: they run detached under `<dir>/builds/` and
 * the restarted platform (or a `slipway worker`) watches them on.
 */
export function processesUsing(
  dir: string,
  keep: (process: { pid: number; cmdline: string; cwd: string }) => boolean = () => false,
): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // Not ours to read, or gone.
      }
      if ((cmdline.includes(dir) || cwd.startsWith(dir)) && !keep({ pid: Number(entry), cmdline, cwd }))
        found.push({ pid: Number(entry), cmdline });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** Waits until nothing uses `dir`; returns what is left after `timeoutMs` (empty when all gone). */
export async function waitForNoProcessesUsing(
  dir: string,
  timeoutMs: number,
  keep?: Parameters<typeof processesUsing>[1],
) {
  const deadline = Date.now() + timeoutMs;
  let left = processesUsing(dir, keep);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesUsing(dir, keep);
  }
  return left;
}

/** A supervised build (its child or anything it runs): it lives under `<dataDir>/builds/`. */
export function isBuild(dataDir: string) {
  const builds = `${dataDir}/builds/`;
  return (p: { cmdline: string; cwd: string }) => p.cmdline.includes(builds) || p.cwd.startsWith(builds);
}

/** `pid` and every process below it (Linux /proc), e.g. a `slipway worker` and its app workers. */
export function descendantsOf(pid: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which may itself hold spaces and parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // Exited while we looked.
    }
  }
  const found = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents) {
      if (found.has(parent) && !found.has(child)) {
        found.add(child);
        grew = true;
      }
    }
  }
  return found;
}

/** Ends every supervised build still running on `dataDir` (a test's cleanup). */
export async function killBuilds(dataDir: string): Promise<void> {
  const keepNothing = () => false;
  for (const { pid } of processesUsing(`${dataDir}/builds/`, keepNothing)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  await waitForNoProcessesUsing(`${dataDir}/builds/`, 10_000);
}
