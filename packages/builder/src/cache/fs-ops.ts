import { execFile } from "node:child_process";
import { rename, rm } from "node:fs/promises";
import { promisify } from "node:util";

const exec = promisify(execFile);
const ENV = { PATH: "/usr/local/bin:/usr/bin:/bin" };

/** A tree copy whose files are hardlinks: ~0.1 s for 10k files, no extra disk. */
export async function hardlinkCopy(from: string, to: string): Promise<void> {
  await exec("cp", ["-al", "--", from, to], { env: ENV });
}

/** Moves a folder, copying when source and target are on different filesystems. */
export async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await exec("cp", ["-a", "--", from, to], { env: ENV });
    await rm(from, { recursive: true, force: true });
  }
}
