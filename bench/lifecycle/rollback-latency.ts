import type { TestPlatform } from "../../tests/e2e/support/platform.ts";
import { startProbes } from "./probe.ts";

export interface RollbackSample {
  /** API call sent → from then on every new request served by the target. */
  switchMs: number;
  /** API call round trip, for comparison. */
  apiMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One rollback to `target`, timed from the moment the API call is sent until every request sent
 * afterwards is answered by the target (told apart by `marker` in the page). Probes run before,
 * during and for a while after the call, so a flip that does not stick is caught, not timed.
 */
export async function timeRollback(
  platform: TestPlatform,
  project: string,
  host: string,
  target: { id: string; marker: string },
): Promise<RollbackSample> {
  const probe = startProbes(platform.edgePort, host, "/");
  await sleep(100);
  const sent = performance.now();
  const response = await platform.api("POST", `/api/v1/projects/${project}/rollback`, { deploymentId: target.id });
  const answered = performance.now();
  await sleep(150);
  await probe.stop();
  if (response.status !== 200)
    throw new Error(`rollback answered ${response.status}: ${JSON.stringify(response.body)}`);

  const after = probe.probes.filter((p) => p.sentAt >= sent).sort((a, b) => a.sentAt - b.sentAt);
  const bad = after.find((p) => p.status !== 200);
  if (bad) throw new Error(`a probe got ${bad.status} during the rollback: ${bad.body.slice(0, 200)}`);
  const isTarget = (body: string) => body.includes(target.marker);
  const lastOld = after.findLast((p) => !isTarget(p.body));
  if (lastOld && lastOld.sentAt > answered) {
    throw new Error(
      `a request sent ${(lastOld.sentAt - answered).toFixed(1)} ms after the rollback answered still got the old deployment`,
    );
  }
  const firstNew = after.find((p) => isTarget(p.body) && (!lastOld || p.sentAt > lastOld.sentAt));
  if (!firstNew) throw new Error(`no request was served by ${target.id} after the rollback`);
  return { switchMs: firstNew.sentAt - sent, apiMs: answered - sent };
}
