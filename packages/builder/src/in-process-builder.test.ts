import type { DeploymentManifest, LogLine } from "@slipway/core";
import { buildRequest, runBuilderContract } from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import { createInProcessBuilder, type InProcessPipeline } from "./in-process-builder.ts";
import type { BuildResult } from "./pipeline-types.ts";

/** A pipeline that builds nothing: it ends as `env.MODE` says, and `hang` waits for the abort. */
const fakePipeline: InProcessPipeline = {
  async build(request): Promise<BuildResult> {
    request.onLog({ at: new Date().toISOString(), stream: "system", text: `mode ${request.env.MODE}` });
    if (request.env.MODE === "fail") return { ok: false, reason: "next build exited with code 1" };
    if (request.env.MODE === "hang") {
      await new Promise<void>((resolve) => request.signal.addEventListener("abort", () => resolve(), { once: true }));
      return { ok: false, reason: "canceled" };
    }
    // The builder reads only the artifact key of a result; the manifest travels inside the artifact.
    return {
      ok: true,
      artifactKey: `artifacts/${request.deploymentId}.tar`,
      manifest: {} as DeploymentManifest,
      timings: {},
    };
  },
};

runBuilderContract({ name: "in-process", create: async () => createInProcessBuilder(fakePipeline, () => {}) });

describe("in-process builder", () => {
  it("passes the build's log lines on with the deployment they belong to", async () => {
    const lines: Array<[string, Omit<LogLine, "seq">]> = [];
    const builder = createInProcessBuilder(fakePipeline, (id, line) => lines.push([id, line]));
    await builder.start(buildRequest("succeed", "d1"));
    expect(lines).toEqual([["d1", expect.objectContaining({ text: "mode succeed" })]]);
  });

  it("a pipeline that throws ends the build failed with the error's message", async () => {
    const builder = createInProcessBuilder({ build: async () => Promise.reject(new Error("disk full")) }, () => {});
    const handle = await builder.start({ ...buildRequest("succeed", "d2"), env: {} });
    await expect.poll(() => builder.status(handle)).toEqual({ state: "failed", reason: "disk full" });
  });
});
