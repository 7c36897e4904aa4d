import { readFileSync } from "node:fs";

/**
 * Whether `pid` is still the build child of `jobDir`: alive, and its command line names the job
 * folder (a recycled pid belongs to some other program and must be neither trusted nor killed).
 */
export function isBuildChild(pid: number, jobDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(jobDir);
  } catch {
    return false;
  }
}
