import { CANCEL_FILE, type JobFile, type JobResult, RESULT_FILE, readJson, writeJson } from "./job-files.ts";

/** How long a canceled child may take to wind down before it exits anyway. */
const CANCEL_GRACE_MS = 10_000;

/**
 * The body of a supervised build's child process: reads the job from stdin (it holds secrets, so
 * it is never a file), runs the build until it ends or SIGTERM cancels it, and records the result last, so a
 * result file always means the build is over.
 */
export async function runSupervisedJob(
  dir: string,
  run: (job: JobFile, signal: AbortSignal) => Promise<JobResult>,
): Promise<void> {
  const job = await readJob(process.stdin);
  if (!job) {
    await writeJson(dir, RESULT_FILE, { ok: false, reason: "the build's job did not arrive whole on stdin" });
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

/** The job the supervisor wrote to stdin, or null when it is cut short, too large or not a job. */
async function readJob(stdin: NodeJS.ReadableStream): Promise<JobFile | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_JOB_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const job = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JobFile | null;
    return job && typeof job === "object" && job.request ? job : null;
  } catch {
    return null;
  }
}

/** Env values are capped at 1 MB per target; the rest of a request is small. */
const MAX_JOB_BYTES = 8 * 1024 * 1024;
