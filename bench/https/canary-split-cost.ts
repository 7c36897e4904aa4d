import type { IncomingMessage } from "node:http";
import { splitTarget } from "../../packages/runtime/src/edge/canary-split.ts";
import type { EdgeTarget } from "../../packages/runtime/src/edge/types.ts";

/**
 * `node --import tsx bench/https/canary-split-cost.ts`: CPU time per request of the edge's canary
 * step (edge.ts: `resolved.canary ? splitTarget(…) : resolved`) for a host without a canary, and
 * with one, by cookie and by hash of a browser's address and user agent. CPU time, not wall
 * time, so other load on the box moves it little.
 */
const CALLS = 2_000_000;
const agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const request = (cookie?: string) =>
  ({
    headers: { "user-agent": agent, ...(cookie ? { cookie } : {}) },
    socket: { remoteAddress: "::ffff:203.0.113.7" },
  }) as unknown as IncomingMessage;
const plain: EdgeTarget = { deploymentId: "dpl_a", projectId: "prj", canary: undefined };
const split: EdgeTarget = { deploymentId: "dpl_a", projectId: "prj", canary: { deploymentId: "dpl_b", percent: 10 } };

function measure(name: string, target: EdgeTarget, req: IncomingMessage): void {
  let sink = 0;
  const step = () => {
    for (let i = 0; i < CALLS; i++) {
      const chosen = target.canary ? splitTarget(target, req, false, false) : target;
      sink += chosen.deploymentId.length;
    }
  };
  step(); // warm up (JIT)
  const before = process.cpuUsage();
  step();
  const used = process.cpuUsage(before);
  const ns = ((used.user + used.system) * 1000) / CALLS;
  process.stdout.write(`${name.padEnd(36)} ${ns.toFixed(1)} ns/request (${sink > 0 ? "ok" : "?"})\n`);
}

measure("no canary on the host", plain, request());
measure("canary, bucket from the cookie", split, request("session=abc; slipway-canary=42; theme=dark"));
measure("canary, bucket from address + agent", split, request("session=abc; theme=dark"));
