import { rm } from "node:fs/promises";
import path from "node:path";
import { CANCEL_FILE, JOB_FILE, type JobFile, type JobResult, RESULT_FILE, readJson, writeJson } from "./job-files.ts";

/** How long a canceled child may take to wind down before it exits anyway. */
const CANCEL_GRACE_MS = 10_000;

/**
 * The body of a supervised build's child process: reads (and deletes, it holds secrets) the job
 * file, runs the build until it ends or SIGTERM cancels it, and records the result last, so a
 * result file always means the build is over.
 */
export async function runSupervisedJob(
  dir: string,
  run: (job: JobFile, signal: AbortSignal) => Promise<JobResult>,
): Promise<void> {
  const job = (await readJson(dir, JOB_FILE)) as JobFile | null;
  await rm(path.join(dir, JOB_FILE), { force: true });
  if (!job || typeof job !== "object" || !job.request) {
    await writeJson(dir, RESULT_FILE, { ok: false, reason: "the build's job file is missing or invalid" });
    return;
  }
  const controller = new AbortController();
  process.once("SIGTERM", () => {
    controller.abort();
    setTimeout(() => process.exit(1), CANCEL_GRACE_MS).unref();
  });
  // Canceled before this process could listen for the signal.
  if ((await readJson(dir, CANCEL_FILE)) !== null) controller.abort();
  let result: JobResult;
  try {
    result = await run(job, controller.signal);
  } catch (error) {
    result = { ok: false, reason: `internal build error: ${error instanceof Error ? error.message : String(error)}` };
    console.error(error);
  }
  await writeJson(dir, RESULT_FILE, result);
}
