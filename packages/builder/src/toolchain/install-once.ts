import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const DONE = ".slipway-complete";

/**
 * Makes `target` exactly once, even with several builds (processes) asking at the same time:
 * each fills its own temporary sibling and renames it into place; the first rename wins and the
 * others throw theirs away. A folder without the completion marker (a crash halfway) is replaced.
 */
export async function installOnce(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  if (existsSync(path.join(target, DONE))) return;
  await mkdir(path.dirname(target), { recursive: true });
  const staging = await mkdtemp(`${target}.tmp-`);
  try {
    await fill(staging);
    await writeFile(path.join(staging, DONE), `${new Date().toISOString()}\n`);
    if (existsSync(target) && !existsSync(path.join(target, DONE))) await rm(target, { recursive: true, force: true });
    await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
      // Another build finished first: its copy is as good as ours.
      if ((error.code === "ENOTEMPTY" || error.code === "EEXIST") && existsSync(path.join(target, DONE))) return;
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
