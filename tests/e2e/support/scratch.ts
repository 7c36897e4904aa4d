import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
let hooked = false;

/**
 * A temp folder removed when the test process exits: a platform's data dir holds a toolchain,
 * build caches and artifacts (1–6 GB), and a CI run starts dozens of them.
 */
export async function scratchDir(prefix: string): Promise<string> {
  // Inside the run's folder (scratch-root.ts) when vitest made one, else the system's temp dir.
  const dir = await mkdtemp(join(process.env.SLIPWAY_E2E_SCRATCH ?? tmpdir(), prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    // Synchronous on purpose: "exit" runs no more asynchronous work.
    process.once("exit", () => {
      for (const path of made) rmSync(path, { recursive: true, force: true, maxRetries: 2 });
    });
  }
  return dir;
}
