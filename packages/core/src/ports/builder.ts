import type { LogLine } from "../domain/model.ts";
import type { RepoCredential } from "../domain/repo-credentials.ts";
import type { DeploymentManifest } from "../manifest.ts";

export interface BuildRequest {
  deploymentId: string;
  projectId: string;
  /** Holds no credential; that comes apart in `repoCredential` and reaches git only through its env. */
  repoUrl: string;
  repoCredential: RepoCredential | null;
  sha: string;
  rootDir: string;
  installCommand: string | null;
  buildCommand: string | null;
  /** Plain env for the build (user vars + system vars); secrets included, masked in logs by `mask`. */
  env: Record<string, string>;
  /** Values to replace with `***` in every log line. */
  mask: string[];
  onLog(line: Omit<LogLine, "seq">): void;
  signal: AbortSignal;
}

export type BuildResult =
  | { ok: true; manifest: DeploymentManifest; artifactKey: string; timings: Record<string, number> }
  | { ok: false; reason: string };

/** Turns a commit into a stored artifact (sandboxed child process locally, CodeBuild on AWS). */
export interface Builder {
  readonly name: string;
  build(request: BuildRequest): Promise<BuildResult>;
}
