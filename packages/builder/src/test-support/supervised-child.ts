/**
 * A stand-in build child for the supervisor's tests: behaves as `request.env.MODE` says, without
 * cloning or building anything. Run as `node --import tsx supervised-child.ts <jobDir>`.
 */
import { runSupervisedJob } from "../supervisor/child.ts";

const dir = process.argv[2] ?? "";
await runSupervisedJob(dir, async (job, signal) => {
  const mode = job.request.env.MODE;
  if (mode === "fail") return { ok: false, reason: "next build exited with code 1" };
  if (mode === "hang") {
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    return { ok: false, reason: "canceled" };
  }
  return { ok: true, artifactKey: `artifacts/${job.request.deploymentId}.tar` };
});
process.exit(0);
