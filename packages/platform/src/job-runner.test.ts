import { createMemoryQueue } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { startJobRunner } from "./job-runner.ts";

describe("job runner", () => {
  it("stops at once with every loop idle, not at their next poll", async () => {
    // Each idle loop sleeps on an unref'd timer: one left asleep would outlive the process's other
    // handles, and `slipway up` would end with its stop unfinished (exit 13) instead of 0.
    const runner = startJobRunner({
      queue: createMemoryQueue(),
      handle: async () => {},
      concurrency: 3,
      pollMs: 60_000,
      log: () => {},
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await runner.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
