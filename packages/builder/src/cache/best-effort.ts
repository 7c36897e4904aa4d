import type { BuildLog } from "../log/build-log.ts";

/**
 * The build cache only ever speeds a build up: if restoring or saving fails (a full disk, a
 * concurrent build of the same project racing for the same entry), the build goes on without it.
 */
export async function bestEffort<T>(log: BuildLog, what: string, fallback: T, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    log.system(
      `⚠ build cache: could not ${what} (${error instanceof Error ? error.message : String(error)}); continuing without it`,
    );
    return fallback;
  }
}
