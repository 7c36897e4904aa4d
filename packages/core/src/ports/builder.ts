import type { NodeVersion } from "../domain/model.ts";
import type { RepoCredential } from "../domain/repo-credentials.ts";

/** What a build needs; everything in it is plain data, so it can cross a process (or an AWS API). */
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
  /** Node.js major version the install and build run on (and the manifest records for the functions). */
  nodeVersion: NodeVersion;
  /** Plain env for the build (user vars + system vars); secrets included, masked in logs by `mask`. */
  env: Record<string, string>;
  /** Values to replace with `***` in every log line. */
  mask: string[];
}

/** Where a started build is. `lost`: its process is gone without a result (killed, machine rebooted). */
export type BuildStatus =
  | { state: "running" }
  | { state: "succeeded"; artifactKey: string }
  | { state: "failed"; reason: string }
  | { state: "lost"; reason: string };

/**
 * Turns a commit into a stored artifact (a supervised child process locally, CodeBuild on AWS).
 * A build is started and watched, never awaited: it outlives the process that started it, and
 * any process can read its status or cancel it through the handle. The build writes its own log
 * lines to the LogStore.
 */
export interface Builder {
  readonly name: string;
  /**
   * Starts the build of `request.deploymentId`, or returns the handle of the one already running or
   * finished for it (a redelivered start message must not build twice). A lost build is replaced.
   */
  start(request: BuildRequest): Promise<string>;
  status(handle: string): Promise<BuildStatus>;
  /** Stops the build if it still runs; idempotent, and a no-op for an unknown handle. */
  cancel(handle: string): Promise<void>;
}
