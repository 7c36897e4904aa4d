import type { BuildRequest, DeploymentManifest, LogLine } from "@slipway/core";

/** A build run in this process: the port's request plus where its log goes and what stops it. */
export interface PipelineRequest extends BuildRequest {
  onLog(line: Omit<LogLine, "seq">): void;
  signal: AbortSignal;
  /**
   * Lines the deployment's log holds before this build's first (the pipeline's own, an earlier
   * attempt's), so a failure reason's "log line N" is the Nth line `slipway logs` prints. Default 0.
   */
  logLinesBefore?: number;
}

export type BuildResult =
  | { ok: true; manifest: DeploymentManifest; artifactKey: string; timings: Record<string, number> }
  | { ok: false; reason: string };
