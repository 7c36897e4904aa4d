import { resolve } from "node:path";
import { SlipwayError } from "@slipway/core/errors";
import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";

/** Start of the successor (up to 120 s, as `slipway up` allows it) plus the old one's drain. */
const DEFAULT_TIMEOUT_MS = 180_000;

export const adminRestart = defineCommand({
  path: ["admin", "restart"],
  summary: "Restart the running platform without refusing a request (a newer build at the same path takes over)",
  usage: "slipway admin restart [--data-dir .slipway] [--timeout 180]",
  maxPositionals: 0,
  options: { "data-dir": { type: "string" }, timeout: { type: "string" } },
  async run(ctx, { values }) {
    const { runningPid, RESTART_SIGNAL } = await loadPlatform();
    const dataDir = resolve((values["data-dir"] as string | undefined) ?? ctx.env.SLIPWAY_DATA_DIR ?? ".slipway");
    const timeoutText = values.timeout as string | undefined;
    const timeoutMs = timeoutText === undefined ? DEFAULT_TIMEOUT_MS : Number(timeoutText) * 1000;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
      throw new SlipwayError("USAGE", `--timeout "${timeoutText}" is not a number of seconds.`, "e.g. --timeout 300");
    const old = runningPid(dataDir);
    if (old === null)
      throw new SlipwayError(
        "INVALID_INPUT",
        `No Slipway runs on ${dataDir}.`,
        "Start it with `slipway up`, or pass the --data-dir it runs on.",
      );
    // The running process starts its successor with the sockets, waits for it to serve, drains.
    process.kill(old, RESTART_SIGNAL);
    const deadline = Date.now() + timeoutMs;
    let successor: number | null = null;
    while (Date.now() < deadline) {
      const current = runningPid(dataDir);
      if (current !== null && current !== old) successor = current;
      if (successor !== null && !isAlive(old)) break;
      if (successor === null && !isAlive(old))
        throw new SlipwayError(
          "RESTART_FAILED",
          `Slipway (pid ${old}) exited without a successor on ${dataDir}.`,
          "Its log says why; start it again with `slipway up`.",
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    if (successor === null || isAlive(old))
      throw new SlipwayError(
        "RESTART_FAILED",
        successor === null
          ? `No new process took over from pid ${old} within ${timeoutMs / 1000} s; the old one serves on.`
          : `Pid ${old} is still draining after ${timeoutMs / 1000} s; pid ${successor} serves.`,
        "The platform's log says why (a successor that failed to start is named there).",
      );
    if (ctx.json) ctx.printJson({ previousPid: old, pid: successor });
    else ctx.print(`Restarted: pid ${old} drained and stopped, pid ${successor} serves.`);
    return 0;
  },
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
