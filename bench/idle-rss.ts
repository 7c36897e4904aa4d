import { readFile } from "node:fs/promises";
import { startPlatform } from "../tests/e2e/support/platform.ts";

/** RSS of a real, idle `slipway up` (API, edge, job runner; no deployment running), in MB. */
export async function idlePlatformRssMb(): Promise<number> {
  const platform = await startPlatform();
  try {
    await new Promise((r) => setTimeout(r, 3_000)); // let start-up garbage be collected
    const status = await readFile(`/proc/${platform.process.pid}/status`, "utf8");
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } finally {
    await platform.stop();
  }
}
