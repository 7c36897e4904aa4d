import type { Builder, BuildRequest, BuildStatus, LogLine } from "@slipway/core";
import type { BuildResult, PipelineRequest } from "./pipeline-types.ts";

/** Anything that runs one build to its end in this process (the local pipeline, a test double). */
export interface InProcessPipeline {
  build(request: PipelineRequest): Promise<BuildResult>;
}

/**
 * The Builder port over a pipeline run in this process: start / status / cancel without a child.
 * Its handles die with the process (a restart sees them `lost`, and the pipeline builds again), so
 * the platform uses the supervised builder; this one serves tests and embedders that hold one
 * process for the whole build.
 */
export function createInProcessBuilder(
  pipeline: InProcessPipeline,
  onLog: (deploymentId: string, line: Omit<LogLine, "seq">) => void,
): Builder {
  const builds = new Map<string, { controller: AbortController; status: BuildStatus }>();
  return {
    name: "in-process",
    async start(request: BuildRequest) {
      const handle = request.deploymentId;
      const current = builds.get(handle);
      if (current && current.status.state !== "lost") return handle;
      const build = { controller: new AbortController(), status: { state: "running" } as BuildStatus };
      builds.set(handle, build);
      pipeline.build({ ...request, onLog: (line) => onLog(handle, line), signal: build.controller.signal }).then(
        (result) => {
          build.status = result.ok
            ? { state: "succeeded", artifactKey: result.artifactKey }
            : { state: "failed", reason: result.reason };
        },
        (error: unknown) => {
          build.status = { state: "failed", reason: error instanceof Error ? error.message : String(error) };
        },
      );
      return handle;
    },
    async status(handle) {
      return (
        builds.get(handle)?.status ?? { state: "lost", reason: `no build ${JSON.stringify(handle)} in this process` }
      );
    },
    async cancel(handle) {
      builds.get(handle)?.controller.abort();
    },
  };
}
