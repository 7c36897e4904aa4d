/** A failed step, named with the AWS error that failed it (the reason a user reads). */
export class StepFailure extends Error {}

/** Runs one step of an activation; any error becomes a StepFailure naming the step and the error. */
export async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    throw new StepFailure(`${label} failed: ${errorText(error)}`);
  }
}

/** An error as a user reads it: its name (an AWS error's code) and message. */
export function errorText(error: unknown): string {
  const e = error as { name?: string; message?: string } | null | undefined;
  return `${e?.name ?? "Error"}: ${e?.message ?? String(error)}`;
}
