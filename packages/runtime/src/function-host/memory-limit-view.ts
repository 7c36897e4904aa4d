import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SandboxFile } from "@slipway/sandbox";

// What Node reads to size its V8 heap in a container (libuv's uv_get_constrained_memory): the
// memory controller's files under /sys/fs/cgroup for the path /proc/self/cgroup names. A sandbox
// has its own cgroup namespace (that path is "/") and no /sys, so Node saw no limit and gave V8 its
// default heap (4 GB here) in a 1 GB worker: it collected too late and the kernel killed the worker
// where a collection would have saved it. These files, bound read-only at those paths, tell it the
// worker's limit; Node then gives V8 half of it without a V8 flag (a flag costs every cold start
// its built-in code cache, see limits.ts).
const UNLIMITED_V1 = "9223372036854771712";
const VIEW: readonly (readonly [name: string, target: string, value: (bytes: number) => string])[] = [
  // cgroup v1 (and hybrid hosts, where /proc/self/cgroup lists the v1 memory controller first).
  ["limit_in_bytes", "/sys/fs/cgroup/memory/memory.limit_in_bytes", (bytes) => String(bytes)],
  ["soft_limit_in_bytes", "/sys/fs/cgroup/memory/memory.soft_limit_in_bytes", () => UNLIMITED_V1],
  // cgroup v2.
  ["max", "/sys/fs/cgroup/memory.max", (bytes) => String(bytes)],
  ["high", "/sys/fs/cgroup/memory.high", () => "max"],
];

/**
 * Writes the view of a `bytes` memory limit into `dir` (host-owned, never bound writable into a
 * box) and returns the binds that show it inside a sandbox.
 */
export function memoryLimitView(dir: string, bytes: number): SandboxFile[] {
  mkdirSync(dir, { recursive: true });
  return VIEW.map(([name, target, value]) => {
    const source = path.join(dir, name);
    const temp = `${source}.${process.pid}.tmp`;
    writeFileSync(temp, `${value(bytes)}\n`);
    renameSync(temp, source);
    return { source, target };
  });
}
