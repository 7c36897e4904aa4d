import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** `<dataDir>/slipway.pid` marks a running platform, so offline maintenance can refuse to race it. */
export function pidFile(dataDir: string): string {
  return join(dataDir, "slipway.pid");
}

/**
 * What tells one process apart from a later one that got the same pid: the boot it runs in and
 * its start time (Linux /proc). A platform killed by SIGKILL or a power cut leaves its pid file
 * behind, and after a reboot that pid is soon some other process; a bare "does the pid exist"
 * check would then refuse to start forever. Null where /proc is not available.
 */
export function processIdentity(pid: number): string | null {
  try {
    const boot = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    // Field 22 (starttime); the fields count from after the command name, which may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return startTime ? `${boot}:${startTime}` : null;
  } catch {
    return null;
  }
}

export function runningPid(dataDir: string): number | null {
  try {
    const [pidLine, identity] = readFileSync(pidFile(dataDir), "utf8").split("\n");
    const pid = Number(pidLine);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0); // throws when no such process
    // Same pid, different process (it was reused): the platform that wrote the file is gone.
    if (identity && processIdentity(pid) !== null && processIdentity(pid) !== identity) return null;
    return pid;
  } catch {
    return null;
  }
}

export function writePidFile(dataDir: string): () => void {
  const identity = processIdentity(process.pid);
  writeFileSync(pidFile(dataDir), identity ? `${process.pid}\n${identity}\n` : String(process.pid));
  return () => {
    // After a restart's handoff the file names the successor: it is not this process's to remove.
    let named: string | undefined;
    try {
      named = readFileSync(pidFile(dataDir), "utf8").split("\n")[0];
    } catch {
      return; // already gone
    }
    if (Number(named) === process.pid) rmSync(pidFile(dataDir), { force: true });
  };
}
