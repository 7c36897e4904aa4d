/** What one build may use. Every limit is per build; exceeding one fails the build with its name. */
export interface BuildLimits {
  /** Memory of all the build's processes together (cgroup memory limit). */
  readonly memoryMb: number;
  /** Processes and threads together (cgroup pids limit: Node counts ~10 threads a process). */
  readonly processes: number;
  /** Size of the build's work dir (checkout, node_modules, .next, .open-next); also caps one file. */
  readonly diskMb: number;
  /** Open files per process (RLIMIT_NOFILE). */
  readonly nofile: number;
}

/** The defaults, defined here only: a Next.js build of a mid-size app fits with room to spare. */
export const DEFAULT_BUILD_LIMITS: BuildLimits = {
  memoryMb: 4096,
  processes: 2048,
  diskMb: 10 * 1024,
  nofile: 8192,
};

/** Wall-clock limit of one build (clone to manifest). */
export const DEFAULT_BUILD_TIMEOUT_MS = 20 * 60_000;

/** How often the work dir's size is measured (`du`): a few ms for a node_modules tree. */
export const DISK_CHECK_INTERVAL_MS = 2_000;
