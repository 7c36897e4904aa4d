import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BuildRequest } from "@slipway/core";

/**
 * The files of one supervised build, in `<jobsDir>/<handle>/`:
 * - `pid.json`: the child's pid, written by the supervisor right after the spawn;
 * - `result.json`: written once by the child when the build ends;
 * - `canceled.json`: written by `cancel` before it signals, so a child that had not yet set up
 *   its signal handler (or is not yet spawned) still ends as canceled, not lost;
 * - `child.log`: the child's own stdout/stderr (faults only: the build log goes to the LogStore).
 * Every file is written to a temp name and renamed, so a reader never sees half of one.
 */
export const PID_FILE = "pid.json";
export const RESULT_FILE = "result.json";
export const CANCEL_FILE = "canceled.json";
export const CHILD_LOG = "child.log";

/** What the child reads from its stdin (never a file: the request holds secrets). */
export interface JobFile {
  request: BuildRequest;
  /** Whatever the child's entry needs besides the request (paths, sandbox mode); opaque here. */
  config: unknown;
}

/**
 * The scratch folder of one child process of a job: `<jobsDir>/<handle>-<pid>/`, next to the job
 * folder (the sweep keeps `<handle>-…` while the job runs). Its own per process: should two children
 * of one build ever run at once, neither removes the other's work when it ends.
 */
export function scratchDirOf(jobDir: string, pid: number): string {
  return `${jobDir}-${pid}`;
}

export type JobResult = { ok: true; artifactKey: string } | { ok: false; reason: string };

export async function writeJson(dir: string, name: string, value: unknown, mode = 0o600): Promise<void> {
  const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(value), { mode });
  await rename(tmp, path.join(dir, name));
}

/** The parsed file, or null when it is missing or not JSON (it is never trusted further). */
export async function readJson(dir: string, name: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(dir, name), "utf8")) as unknown;
  } catch {
    return null;
  }
}

export function parseResult(value: unknown): JobResult | null {
  if (!value || typeof value !== "object") return null;
  const result = value as Record<string, unknown>;
  if (result.ok === true && typeof result.artifactKey === "string")
    return { ok: true, artifactKey: result.artifactKey };
  if (result.ok === false && typeof result.reason === "string") return { ok: false, reason: result.reason };
  return null;
}

export function parsePid(value: unknown): number | null {
  const pid = (value as { pid?: unknown } | null)?.pid;
  return typeof pid === "number" && Number.isInteger(pid) && pid > 1 ? pid : null;
}
