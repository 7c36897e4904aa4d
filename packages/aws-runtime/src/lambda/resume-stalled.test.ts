import { type CoreDeps, DEPLOY_JOB } from "@slipway/core";
import { deployment, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { RESUME_STALLED_MESSAGE } from "./schedule.ts";
import { createStepsHandler } from "./steps.ts";

// The scheduled rule's message on the step queue runs the sweeper `slipway up` runs locally: a
// deployment whose messages were lost (a dead-lettered watch, say) is picked up again.
describe("the scheduled resume-stalled message", () => {
  it("re-enqueues the due step of a deployment nothing wrote to for the stall time, and only that one", async () => {
    const queue = createMemoryQueue();
    const store = createMemoryStore(queue);
    const p = project();
    await store.projects.create(p);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const stuck = deployment(p.id, { status: "building", createdAt: hourAgo, buildStartedAt: hourAgo });
    const fresh = deployment(p.id, { status: "building", createdAt: new Date().toISOString() });
    await store.deployments.create(stuck);
    await store.deployments.create(fresh);
    const lines: string[] = [];
    const steps = createStepsHandler({ store, queue } as unknown as CoreDeps, {
      buildProjectName: "slipway-build",
      log: (line) => lines.push(line),
    });

    const result = await steps({ Records: [{ messageId: "tick", body: JSON.stringify(RESUME_STALLED_MESSAGE) }] });

    expect(result.batchItemFailures).toEqual([]);
    const job = await queue.claim(60_000);
    expect(job).toMatchObject({ type: DEPLOY_JOB, payload: { deploymentId: stuck.id } });
    expect(await queue.claim(60_000)).toBeNull();
    expect(lines).toEqual([`steps: resumed stalled deployments ${stuck.id}`]);
  });
});
