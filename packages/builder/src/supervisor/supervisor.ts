import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Builder, BuildRequest, BuildStatus } from "@slipway/core";
import { sweepEmptyCgroups } from "@slipway/sandbox";
import {
  CANCEL_FILE,
  CHILD_LOG,
  type JobFile,
  PID_FILE,
  parsePid,
  parseResult,
  RESULT_FILE,
  readJson,
  writeJson,
} from "./job-files.ts";
import { isBuildChild } from "./process-alive.ts";

export interface SupervisedBuilderOptions {
  /** One folder per build: `<jobsDir>/<handle>/` holds its state files and its scratch space. */
  jobsDir: string;
  /** The child: `process.execPath ...nodeArgs entry <jobDir>`; it runs the pipeline (see `child.ts`). */
  entry: string;
  /** Node flags for the child, e.g. `["--import", "tsx"]` to run a TypeScript entry. */
  nodeArgs?: string[];
  /** Passed to the child with the request, on its stdin (data dir, sandbox mode, …). */
  config: unknown;
  /** A job folder with neither a pid nor a result yet counts as starting for this long. */
  startGraceMs?: number;
}

/**
 * The local Builder: each build runs in a detached child process (its own process group), so it
 * outlives the process that started it; its state lives in files, so any process on the machine
 * can read its status or cancel it. The handle is the job folder's name, one per deployment.
 */
export function createSupervisedBuilder(options: SupervisedBuilderOptions) {
  const { jobsDir, entry, nodeArgs = [], config, startGraceMs = 30_000 } = options;
  const jobDir = (handle: string) => path.join(jobsDir, handle);

  async function status(handle: string): Promise<BuildStatus> {
    if (!isHandle(handle)) return { state: "lost", reason: `no build ${JSON.stringify(handle)}` };
    const dir = jobDir(handle);
    const result = parseResult(await readJson(dir, RESULT_FILE));
    if (result)
      return result.ok
        ? { state: "succeeded", artifactKey: result.artifactKey }
        : { state: "failed", reason: result.reason };
    const pid = parsePid(await readJson(dir, PID_FILE));
    if (pid !== null && isBuildChild(pid, dir)) return { state: "running" };
    // Written in this order by the child: a result may have landed between the two reads.
    const late = parseResult(await readJson(dir, RESULT_FILE));
    if (late) return status(handle);
    const created = await stat(dir).then(
      (s) => s.mtimeMs,
      () => null,
    );
    if (created === null) return { state: "lost", reason: "the build's folder is gone" };
    if ((await readJson(dir, CANCEL_FILE)) !== null) return { state: "failed", reason: "canceled" };
    if (pid === null && Date.now() - created < startGraceMs) return { state: "running" };
    return { state: "lost", reason: "the build process ended without a result" };
  }

  return {
    name: "local",
    async start(request: BuildRequest): Promise<string> {
      const handle = handleFor(request.deploymentId);
      const dir = jobDir(handle);
      const current = await status(handle);
      if (current.state !== "lost") return handle;
      await rm(dir, { recursive: true, force: true });
      await mkdir(jobsDir, { recursive: true });
      try {
        await mkdir(dir, { mode: 0o700 }); // not recursive: of two racing starts, one creates it
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return handle;
        throw error;
      }
      const out = openSync(path.join(dir, CHILD_LOG), "a", 0o600);
      try {
        const child = spawn(process.execPath, [...nodeArgs, entry, dir], {
          cwd: dir,
          detached: true, // its own process group: cancel kills the group, a kill of ours spares it
          stdio: ["pipe", out, out],
        });
        await new Promise<void>((resolve, reject) => {
          child.once("spawn", resolve);
          child.once("error", reject);
        });
        // The pid first, then the job: a supervisor killed in between leaves a child that reads a
        // cut-short job and ends without building. In the other order the child would build with
        // no pid on record, its build would count as lost, and a second child would build beside it.
        await writeJson(dir, PID_FILE, { pid: child.pid });
        // The request holds secrets (env values, the repository token): it goes through a pipe,
        // never a file. A child that died at once makes the write fail; its status says so.
        child.stdin?.on("error", () => {});
        child.stdin?.end(JSON.stringify({ request, config } satisfies JobFile));
        child.unref();
      } finally {
        closeSync(out);
      }
      return handle;
    },
    status,
    async cancel(handle: string): Promise<void> {
      if (!isHandle(handle)) return;
      const dir = jobDir(handle);
      if (!existsSync(dir)) return;
      await writeJson(dir, CANCEL_FILE, { at: new Date().toISOString() });
      const pid = parsePid(await readJson(dir, PID_FILE));
      // SIGTERM to the group: the child aborts the build, records "canceled" and exits.
      if (pid !== null && isBuildChild(pid, dir)) {
        try {
          process.kill(-pid, "SIGTERM");
        } catch {
          // Ended in between.
        }
      }
    },
    /**
     * Removes what nothing will read again: job folders of builds whose process is gone without
     * a result, finished ones older than `keepFinishedMs` (their watcher has long read them), and
     * scratch folders (`<handle>-…`, next to the job folders) of builds no longer running.
     * Running builds are left alone: they may belong to another process. Also the empty cgroups
     * that dead build processes left.
     */
    async sweep(keepFinishedMs = 3_600_000): Promise<void> {
      // The cgroups of sandboxes whose build process died (only those: sweepEmptyCgroups checks).
      sweepEmptyCgroups();
      const entries = await readdir(jobsDir).catch(() => [] as string[]);
      const jobs = new Map<string, BuildStatus["state"]>();
      for (const name of entries) {
        if (existsSync(path.join(jobDir(name), PID_FILE)) || existsSync(path.join(jobDir(name), RESULT_FILE))) {
          jobs.set(name, (await status(name)).state);
        }
      }
      for (const name of entries) {
        const dir = jobDir(name);
        const state = jobs.get(name);
        const age = await stat(dir).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        const remove =
          state === undefined
            ? ![...jobs].some(([handle, s]) => s === "running" && name.startsWith(`${handle}-`)) && age > startGraceMs
            : state === "lost" || (state !== "running" && age > keepFinishedMs);
        if (remove) await rm(dir, { recursive: true, force: true });
      }
    },
  } satisfies Builder & { sweep(keepFinishedMs?: number): Promise<void> };
}

/** Deployment ids become folder names; anything unexpected is flattened rather than trusted. */
function handleFor(deploymentId: string): string {
  const name = deploymentId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80);
  return name.length > 0 ? name : "_";
}

/** Handles come back from queue messages: only plain folder names are accepted. */
function isHandle(handle: string): boolean {
  return /^[A-Za-z0-9_-]{1,80}$/.test(handle);
}
