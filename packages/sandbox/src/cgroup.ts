import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Which cgroup hierarchy this host lets Slipway write, and which limits it can apply there. */
export interface CgroupSupport {
  readonly version: "v2" | "v1" | "none";
  readonly memory: boolean;
  readonly pids: boolean;
  /** Why a limit is missing, for logs and `slipway doctor`. */
  readonly note: string;
}

export interface CgroupLimits {
  readonly memoryBytes?: number;
  readonly pids?: number;
}

/** One box's cgroup(s): attach the sandbox's first process before it forks the command. */
export interface Cgroup {
  attach(pid: number): void;
  /** The files a pid is written to, to join it (one per hierarchy on v1). */
  procsFiles(): string[];
  /** Processes killed by the memory limit so far. */
  oomKills(): number;
  /** Forks refused by the process limit so far. */
  pidsRefused(): number;
  /** Kills whatever is left (grandchildren outside the process group included) and removes the cgroup. */
  remove(): void;
}

const ROOT = "/sys/fs/cgroup";

let detected: CgroupSupport | undefined;

/**
 * cgroup v2 when the unified hierarchy has the memory and pids controllers, else the v1 memory
 * and pids hierarchies, each only when this process may create a child cgroup there.
 */
export function cgroupSupport(): CgroupSupport {
  if (detected) return detected;
  const v2 = readOr(path.join(ROOT, "cgroup.controllers"), null);
  if (v2 !== null) {
    const parent = ownCgroupDir("v2", "");
    const controllers = readOr(path.join(parent ?? ROOT, "cgroup.controllers"), "").split(/\s+/);
    const usable = parent !== null && canCreateChild(parent);
    detected = {
      version: usable ? "v2" : "none",
      memory: usable && controllers.includes("memory"),
      pids: usable && controllers.includes("pids"),
      note: usable ? "cgroup v2 (delegated)" : "cgroup v2 is not delegated to this process: no memory or process limit",
    };
    return detected;
  }
  const memory = ownCgroupDir("v1", "memory");
  const pids = ownCgroupDir("v1", "pids");
  const memoryOk = memory !== null && canCreateChild(memory);
  const pidsOk = pids !== null && canCreateChild(pids);
  detected = {
    version: memoryOk || pidsOk ? "v1" : "none",
    memory: memoryOk,
    pids: pidsOk,
    note:
      memoryOk && pidsOk
        ? "cgroup v1 (memory and pids hierarchies writable)"
        : `cgroup v1 without ${[memoryOk ? "" : "memory", pidsOk ? "" : "pids"].filter(Boolean).join(" and ")} (not writable)`,
  };
  return detected;
}

/**
 * Creates `slipway-<name>` below the cgroup this process lives in (nested, so the host's own
 * limits still apply) with the given limits. Null when the host gives no usable cgroup.
 */
export function createCgroup(name: string, limits: CgroupLimits): Cgroup | null {
  try {
    return makeCgroup(name, limits);
  } catch {
    // A cgroup that cannot be made (a full hierarchy, a racing sweep) means no limit, not no build.
    return null;
  }
}

function makeCgroup(name: string, limits: CgroupLimits): Cgroup | null {
  const support = cgroupSupport();
  if (support.version === "none") return null;
  // The creator's pid in the name: a sweep only touches cgroups of processes that are gone.
  const leaf = `slipway-${process.pid}-${name}`;
  if (support.version === "v2") {
    const parent = ownCgroupDir("v2", "");
    if (parent === null) return null;
    const dir = path.join(parent, leaf);
    mkdirSync(dir);
    if (limits.memoryBytes !== undefined && support.memory) {
      writeFileSync(path.join(dir, "memory.max"), String(limits.memoryBytes));
      writeFileSync(path.join(dir, "memory.swap.max"), "0");
    }
    if (limits.pids !== undefined && support.pids) writeFileSync(path.join(dir, "pids.max"), String(limits.pids));
    const procs = path.join(dir, "cgroup.procs");
    return {
      attach: (pid) => writeFileSync(procs, String(pid)),
      procsFiles: () => [procs],
      oomKills: () => counter(path.join(dir, "memory.events"), "oom_kill"),
      pidsRefused: () => counter(path.join(dir, "pids.events"), "max"),
      remove: () => killAndRemove([dir], "v2"),
    };
  }
  const dirs: { memory?: string; pids?: string } = {};
  if (support.memory && limits.memoryBytes !== undefined) {
    const dir = path.join(ownCgroupDir("v1", "memory") ?? "", leaf);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "memory.limit_in_bytes"), String(limits.memoryBytes));
    // No swap either, where the kernel accounts it: the limit is on memory, not on RAM.
    tryWrite(path.join(dir, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
    dirs.memory = dir;
  }
  if (support.pids && limits.pids !== undefined) {
    const dir = path.join(ownCgroupDir("v1", "pids") ?? "", leaf);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "pids.max"), String(limits.pids));
    dirs.pids = dir;
  }
  const all = Object.values(dirs);
  const procs = all.map((dir) => path.join(dir, "cgroup.procs"));
  return {
    attach: (pid) => {
      for (const file of procs) writeFileSync(file, String(pid));
    },
    procsFiles: () => [...procs],
    oomKills: () => (dirs.memory ? counter(path.join(dirs.memory, "memory.oom_control"), "oom_kill") : 0),
    pidsRefused: () => (dirs.pids ? counter(path.join(dirs.pids, "pids.events"), "max") : 0),
    remove: () => killAndRemove(all, "v1"),
  };
}

/**
 * Removes the `slipway-<pid>-*` cgroups a killed process left (its sandboxes died with it): only
 * those of processes that are gone, so another Slipway's boxes (made, not yet attached) are safe,
 * and only empty ones (rmdir refuses others).
 */
export function sweepEmptyCgroups(): void {
  for (const dir of orphanedCgroups("")) tryRmdir(dir);
}

/**
 * Kills what still runs in the `slipway-<pid>-<kind>*` cgroups of processes that are gone, and
 * removes them. For boxes that must not outlive their creator (function workers): bwrap's
 * `--die-with-parent` takes effect only once its sandbox exists, so a box whose creator was
 * SIGKILLed while bwrap set it up runs on, unwatched, until its command notices. Not for builds,
 * which outlive the platform on purpose.
 */
export function reclaimOrphanedCgroups(kind: string): void {
  const { version } = cgroupSupport();
  if (version !== "none") killAndRemove(orphanedCgroups(kind), version);
}

/** The cgroup folders named `slipway-<pid>-<kind>…` whose creating process is gone. */
function orphanedCgroups(kind: string): string[] {
  const support = cgroupSupport();
  if (support.version === "none") return [];
  const parents =
    support.version === "v2" ? [ownCgroupDir("v2", "")] : [ownCgroupDir("v1", "memory"), ownCgroupDir("v1", "pids")];
  const found: string[] = [];
  for (const parent of parents) {
    if (parent === null) continue;
    for (const entry of readdirOr(parent)) {
      const match = /^slipway-(\d+)-(.*)$/.exec(entry);
      if (match?.[2]?.startsWith(kind) && !isAlive(Number(match[1]))) found.push(path.join(parent, entry));
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readdirOr(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The directory of this process's own cgroup in a hierarchy (`/proc/self/cgroup`). */
function ownCgroupDir(version: "v1" | "v2", controller: string): string | null {
  for (const line of readOr("/proc/self/cgroup", "").split("\n")) {
    const [, controllers, relative] = line.split(":");
    if (relative === undefined || controllers === undefined) continue;
    const match = version === "v2" ? line.startsWith("0::") : controllers.split(",").includes(controller);
    if (!match) continue;
    const dir = version === "v2" ? path.join(ROOT, relative) : path.join(ROOT, controller, relative);
    return existsSync(dir) ? dir : null;
  }
  return null;
}

function canCreateChild(parent: string): boolean {
  const probe = path.join(parent, `slipway-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** `key N` lines, as in memory.events, memory.oom_control and pids.events. */
function counter(file: string, key: string): number {
  const line = readOr(file, "")
    .split("\n")
    .find((l) => l.startsWith(`${key} `));
  return line ? Number(line.slice(key.length + 1)) || 0 : 0;
}

/** Kills every process in `dirs` (cgroup folders of one version) and removes them once empty. */
function killAndRemove(dirs: string[], version: "v1" | "v2"): void {
  if (version === "v2") for (const dir of dirs) tryWrite(path.join(dir, "cgroup.kill"), "1");
  // v1 has no cgroup.kill: a process forked while the list was read survives one pass.
  else for (let pass = 0; pass < 3; pass++) for (const dir of dirs) killAll(dir);
  removeWhenEmpty(dirs);
}

function killAll(dir: string): void {
  for (const pid of readOr(path.join(dir, "cgroup.procs"), "").split("\n").filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** rmdir fails while a killed process is still exiting: retry briefly, then leave it (swept later). */
function removeWhenEmpty(dirs: string[]): void {
  const pending = dirs.filter((dir) => !tryRmdir(dir));
  if (pending.length === 0) return;
  let tries = 0;
  const timer = setInterval(() => {
    for (const dir of [...pending]) if (tryRmdir(dir)) pending.splice(pending.indexOf(dir), 1);
    if (pending.length === 0 || ++tries > 50) clearInterval(timer);
  }, 100);
  timer.unref();
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

function tryWrite(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    // Optional knob the kernel does not have (no swap accounting, no cgroup.kill).
  }
}

function readOr<T>(file: string, fallback: T): string | T {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}
