import { spawn } from "node:child_process";
import path from "node:path";
import { request } from "@slipway/runtime/test-support";
import { treeCpuMs } from "./proc.ts";

export interface NextStart {
  /** From spawn until `path` first answered 200. */
  readonly firstResponseMs: number;
  /** CPU time (all threads) next start used up to that first response. */
  readonly firstResponseCpuMs: number;
  stop(): Promise<void>;
}

/**
 * `next start` of the built fixture, the baseline every serving number is compared with. The
 * time from spawn to the first 200 on `path` is its cold start (polled every 5 ms). `nodeBin` runs it.
 */
export async function startNext(
  appDir: string,
  port: number,
  firstPath = "/ssr",
  nodeBin = process.execPath,
): Promise<NextStart> {
  const started = performance.now();
  const nextBin = path.join(appDir, "node_modules/next/dist/bin/next");
  const child = spawn(nodeBin, [nextBin, "start", "-p", String(port)], {
    cwd: appDir,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let firstResponseMs = -1;
  let firstResponseCpuMs = -1;
  while (performance.now() - started < 30_000 && child.exitCode === null) {
    const ok = await request(port, firstPath, { host: "localhost" }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      firstResponseMs = Math.round(performance.now() - started);
      firstResponseCpuMs = child.pid === undefined ? -1 : treeCpuMs(child.pid);
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  if (firstResponseMs < 0) {
    await stop();
    throw new Error(`next start on port ${port} did not answer ${firstPath} within 30 s`);
  }
  return { firstResponseMs, firstResponseCpuMs, stop };
}
