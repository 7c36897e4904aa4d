import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** `<dataDir>/slipway.pid` marks a running platform, so offline maintenance can refuse to race it. */
export function pidFile(dataDir: string): string {
  return join(dataDir, "slipway.pid");
}

export function runningPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile(dataDir), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0); // throws when no such process
    return pid;
  } catch {
    return null;
  }
}

export function writePidFile(dataDir: string): () => void {
  writeFileSync(pidFile(dataDir), String(process.pid));
  return () => rmSync(pidFile(dataDir), { force: true });
}
