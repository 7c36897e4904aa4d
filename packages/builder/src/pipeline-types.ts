import type { BuildRequest, DeploymentManifest, LogLine } from "@slipway/core";

/** A build run in this process: the port's request plus where its log goes and what stops it. */
export interface PipelineRequest extends BuildRequest {
  onLog(line: Omit<LogLine, "seq">): void;
  signal: AbortSignal;
}

export type BuildResult =
  | { ok: true; manifest: DeploymentManifest; artifactKey: string; timings: Record<string, number> }
  | { ok: false; reason: string };
