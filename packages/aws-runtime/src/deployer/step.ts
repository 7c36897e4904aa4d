/** A failed step, named with the AWS error that failed it (the reason a user reads). */
export class StepFailure extends Error {}

/** Runs one step of an activation; any error becomes a StepFailure naming the step and the error. */
export async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    const e = error as { name?: string; message?: string };
    throw new StepFailure(`${label} failed: ${e?.name ?? "Error"}: ${e?.message ?? String(error)}`);
  }
}
