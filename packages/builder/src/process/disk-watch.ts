import { execFile } from "node:child_process";

/**
 * Measures `dir` with `du` every `intervalMs` and calls `onExceeded` once when it holds more than
 * `limitBytes`. Nothing cheaper binds a bind-mounted folder without quotas; RLIMIT_FSIZE already
 * stops a single huge file at once, this catches many small ones within one interval.
 */
export function watchDiskUsage(
  dir: string,
  limitBytes: number,
  intervalMs: number,
  onExceeded: (bytes: number) => void,
): () => void {
  let busy = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // -x: stay on this file system; blocks, not apparent sizes: what the disk really holds.
    execFile("du", ["-sxk", dir], { env: { PATH: "/usr/bin:/bin" } }, (_error, stdout) => {
      busy = false;
      const bytes = Number.parseInt(stdout, 10) * 1024;
      if (!stopped && Number.isFinite(bytes) && bytes > limitBytes) {
        stop();
        onExceeded(bytes);
      }
    });
  }, intervalMs);
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
