import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Processes that still mention `dir` (in their command line or as their working directory).
 * After the platform is SIGKILLed, its builds and workers must die with it: a build left running
 * would compete with the restarted one for the CPU and write into a dead build folder.
 */
export function processesUsing(dir: string): Array<{ pid: number; cmdline: string }> {
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
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push({ pid: Number(entry), cmdline });
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

/** Waits until nothing uses `dir`; returns what is left after `timeoutMs` (empty when all gone). */
export async function waitForNoProcessesUsing(dir: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let left = processesUsing(dir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = processesUsing(dir);
  }
  return left;
}
