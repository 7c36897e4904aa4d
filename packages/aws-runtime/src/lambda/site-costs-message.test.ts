import type { CoreDeps } from "@slipway/core";
import { createMemoryQueue, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { SITE_COSTS_REFRESH_MESSAGE } from "./schedule.ts";
import { createStepsHandler } from "./steps.ts";

// The daily rule's message on the step queue runs the cost refresh; a failed refresh is
// delivered again (then dead-lettered, which alarms), and a stack without it drops the message.
describe("the scheduled cost refresh message", () => {
  const deps = () => {
    const queue = createMemoryQueue();
    return { store: createMemoryStore(queue), queue } as unknown as CoreDeps;
  };
  const message = { messageId: "daily", body: JSON.stringify(SITE_COSTS_REFRESH_MESSAGE) };

  it("runs the refresh once per message, and asks for the message again when it fails", async () => {
    let runs = 0;
    const steps = createStepsHandler(deps(), {
      buildProjectName: "slipway-build",
      log: () => {},
      refreshSiteCosts: async () => {
        runs += 1;
        if (runs === 2) throw new Error("Cost Explorer throttled");
      },
    });
    expect(await steps({ Records: [message] })).toEqual({ batchItemFailures: [] });
    expect(await steps({ Records: [message] })).toEqual({ batchItemFailures: [{ itemIdentifier: "daily" }] });
    expect(runs).toBe(2);
  });

  it("drops it, saying why, where the stack has no cost refresh", async () => {
    const lines: string[] = [];
    const steps = createStepsHandler(deps(), { buildProjectName: "slipway-build", log: (line) => lines.push(line) });
    expect(await steps({ Records: [message] })).toEqual({ batchItemFailures: [] });
    expect(lines).toEqual(["steps: dropped a cost refresh: this stack has no SLIPWAY_STACK_NAME"]);
  });
});
