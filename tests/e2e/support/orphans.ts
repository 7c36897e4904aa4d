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

/** True when `ancestor` is `pid` or one of its parents (Linux /proc; false once either is gone). */
export function isDescendantOf(pid: number, ancestor: number): boolean {
  for (let at = pid; at > 1; at = parentOf(at)) if (at === ancestor) return true;
  return false;
}

function parentOf(pid: number): number {
  try {
    // Fields after the command name, which may itself hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return 0;
  }
}

/** `pid` and every process below it (Linux /proc), e.g. a `slipway worker` and its app workers. */
export function descendantsOf(pid: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid > 0) parents.set(Number(entry), ppid);
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

/**
 * What a process is doing, for a failure message: its state, where the kernel has it waiting
 * (wchan, and its kernel stack when readable) and its children. An orphan that outlives its
 * platform is otherwise only a command line.
 */
export function describeProcess(pid: number): string {
  const read = (file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, "utf8").trim();
    } catch {
      return "?";
    }
  };
  const state = /^State:\s*(.*)$/m.exec(read("status"))?.[1] ?? "?";
  const stack = read("stack")
    .split("\n")
    .slice(0, 4)
    .map((frame) => frame.replace(/^\[<\w+>\] /, ""))
    .join(" < ");
  const children = [...descendantsOf(pid)].filter((p) => p !== pid);
  return `state ${state}, wchan ${read("wchan")}, stack ${stack}, descendants [${children.join(",")}]`;
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
