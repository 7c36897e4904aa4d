import { constants } from "node:fs";
import { type FileHandle, open, realpath, rm } from "node:fs/promises";
import { isInsideDir } from "@slipway/core";
import { BuildFailure } from "../failure.ts";

// The build output is checked for links before the host reads it (check-output.ts); these opens
// refuse a link in the last path component anyway, so a step never follows one by accident.
const READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Reads a regular file the build wrote (or the repository holds), at most `maxBytes`: a link, a
 * FIFO (O_NONBLOCK keeps its open from hanging) or a file too large to be what we expect is a
 * BuildFailure whose reason starts with `label` ("build output open-next.output.json").
 */
export async function readBuildFile(file: string, maxBytes: number, label: string): Promise<Buffer> {
  const handle = await open(file, READ).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ELOOP") throw new BuildFailure(`${label} is a symlink; links are not allowed there`);
    if (error.code === "ENOENT") throw new BuildFailure(`${label} is missing`);
    throw error;
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new BuildFailure(`${label} is not a regular file`);
    if (stat.size > maxBytes) throw new BuildFailure(`${label} is larger than ${maxBytes} bytes`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a file the build's dependencies provide (node_modules/next/package.json), which may
 * legitimately be reached through pnpm's links, but only when it resolves on disk inside `root`.
 * Null when it is missing, outside, not a regular file or too large.
 */
export async function readInside(root: string, file: string, maxBytes: number): Promise<Buffer | null> {
  const real = await realpath(file).catch(() => null);
  if (real === null || !isInsideDir(await realpath(root), real)) return null;
  try {
    return await readBuildFile(real, maxBytes, file);
  } catch {
    return null;
  }
}

/**
 * Writes a new file where the build may have left something: whatever is there (a planted link,
 * a hard link to a file elsewhere) is removed first, and the create is exclusive and no-follow,
 * so the host never writes through a name the build chose into an inode it did not make.
 */
export async function writeFresh(file: string, data: string | Uint8Array, label = file): Promise<void> {
  let handle: FileHandle;
  try {
    await rm(file, { force: true });
    handle = await open(file, CREATE, 0o644);
  } catch (error) {
    // A folder (or a link made after the check, if something still ran) where the file goes.
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (["EISDIR", "ERR_FS_EISDIR", "EEXIST", "ELOOP", "ENOTDIR"].includes(code)) {
      throw new BuildFailure(`could not write ${label} in the build output (${code})`);
    }
    throw error;
  }
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
