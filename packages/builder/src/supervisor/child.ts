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
  const read = await readJob(process.stdin);
  if (read.problem === "cut-short") {
    // The supervisor died while writing (a killed platform): no result, so the build counts as
    // lost and the pipeline starts it again, rather than failing a good commit.
    process.exitCode = 1;
    return;
  }
  if (read.problem) {
    await writeJson(dir, RESULT_FILE, { ok: false, reason: `the build's job on stdin is ${read.problem}` });
    return;
  }
  const { job } = read;
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

type ReadJob = { job: JobFile; problem?: undefined } | { problem: "cut-short" | "too large" | "not a job" };

/**
 * The job the supervisor wrote to stdin. Input that ends before its JSON does was cut short (the
 * writer died); too large or well-formed but not a job would be the same on every try.
 */
async function readJob(stdin: NodeJS.ReadableStream): Promise<ReadJob> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_JOB_BYTES) return { problem: "too large" };
    chunks.push(chunk as Buffer);
  }
  let job: unknown;
  try {
    job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return { problem: "cut-short" };
  }
  return job && typeof job === "object" && (job as JobFile).request
    ? { job: job as JobFile }
    : { problem: "not a job" };
}

/** Env values are capped at 1 MB per target; the rest of a request is small. */
const MAX_JOB_BYTES = 8 * 1024 * 1024;
