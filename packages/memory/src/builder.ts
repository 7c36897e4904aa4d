import type { BlobStore, Builder, BuildRequest, BuildStatus } from "@slipway/core";

export interface MemoryBuilderOptions {
  /** Status polls a build answers `running` before it ends. Default 0. */
  pollsPerBuild?: number;
  /**
   * How a build ends, decided when it does; null for the default: by `request.env.MODE` (the
   * Builder contract's convention), `fail` fails, `hang` runs until canceled, anything else
   * succeeds with `artifacts/<deploymentId>.tar`.
   */
  outcome?: (request: BuildRequest) => BuildStatus | null;
  /** Where a succeeding build puts its artifact, so a deployer can read it. */
  blobs?: BlobStore;
}

export type MemoryBuilder = Builder & {
  /** Deployment ids, once per build really started. */
  readonly starts: string[];
  /** Deployment ids, once per running build canceled. */
  readonly cancels: string[];
  /** Status polls a build answers `running` before it ends; a test may change it between builds. */
  pollsPerBuild: number;
};

interface Build {
  request: BuildRequest;
  polls: number;
  status: BuildStatus;
}

/** A Builder that builds nothing: one build per deployment, ended by polls, never by time. */
export function createMemoryBuilder(options: MemoryBuilderOptions = {}): MemoryBuilder {
  const builds = new Map<string, Build>();
  const starts: string[] = [];
  const cancels: string[] = [];

  const end = async (build: Build): Promise<BuildStatus> => {
    const forced = options.outcome?.(build.request);
    if (forced) return forced;
    const mode = build.request.env.MODE;
    if (mode === "fail") return { state: "failed", reason: "next build exited with code 1" };
    if (mode === "hang") return { state: "running" };
    const artifactKey = `artifacts/${build.request.deploymentId}.tar`;
    await options.blobs?.put(artifactKey, Buffer.from(`artifact of ${build.request.deploymentId}`));
    return { state: "succeeded", artifactKey };
  };

  const builder: MemoryBuilder = {
    name: "memory",
    starts,
    cancels,
    pollsPerBuild: options.pollsPerBuild ?? 0,
    async start(request) {
      const handle = `build-${request.deploymentId}`;
      const current = builds.get(handle);
      if (current && current.status.state !== "lost") return handle;
      builds.set(handle, { request: structuredClone(request), polls: 0, status: { state: "running" } });
      starts.push(request.deploymentId);
      return handle;
    },
    async status(handle) {
      const build = builds.get(handle);
      if (!build) return { state: "lost", reason: `no build ${JSON.stringify(handle)}` };
      if (build.status.state === "running" && build.polls++ >= builder.pollsPerBuild) {
        build.status = await end(build);
      }
      return { ...build.status };
    },
    async cancel(handle) {
      const build = builds.get(handle);
      if (build?.status.state !== "running") return;
      build.status = { state: "failed", reason: "canceled" };
      cancels.push(build.request.deploymentId);
    },
  };
  return builder;
}
