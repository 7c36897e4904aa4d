import { execFile } from "node:child_process";

/**
 * Measures `dir` with `du` and calls `onExceeded` once when it holds more than `limitBytes`.
 * Nothing cheaper binds a bind-mounted folder without quotas; RLIMIT_FSIZE already stops a single
 * huge file at once, this catches many small ones. Measures every `intervalMs`, or less often when
 * `du` itself is slow (a big node_modules), so it never takes more than ~10% of one core.
 */
export function watchDiskUsage(
  dir: string,
  limitBytes: number,
  intervalMs: number,
  onExceeded: (bytes: number) => void,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout;
  const measure = () => {
    const started = performance.now();
    // -x: stay on this file system; blocks, not apparent sizes: what the disk really holds.
    execFile("du", ["-sxk", dir], { env: { PATH: "/usr/bin:/bin" } }, (_error, stdout) => {
      if (stopped) return;
      const bytes = Number.parseInt(stdout, 10) * 1024;
      if (Number.isFinite(bytes) && bytes > limitBytes) {
        stopped = true;
        return onExceeded(bytes);
      }
      const took = performance.now() - started;
      timer = setTimeout(measure, Math.max(intervalMs, took * 10));
    });
  };
  timer = setTimeout(measure, intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
