import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Files directly in the data dir that only Slipway's user may read (the master key guards itself). */
const PRIVATE_FILES = ["slipway.db", "slipway.db-wal", "slipway.db-shm", "admin-token", "slipway.pid"];
/** Folders whose every file is private: artifacts (with their build logs) and upload scratch. */
const PRIVATE_TREES = ["blobs", "tmp"];

/**
 * Makes the data dir 0700 and what it stores 0600, also when an older Slipway, a restore or a
 * hand-made folder left them readable by others. New files are private by the umask the platform
 * sets; SQLite gives its -wal and -shm files the database file's mode.
 */
export async function lockDownDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  await Promise.all(PRIVATE_FILES.map((name) => chmodIfFile(join(dataDir, name), 0o600)));
  await Promise.all(PRIVATE_TREES.map((name) => lockDownTree(join(dataDir, name))));
}

async function chmodIfFile(path: string, mode: number): Promise<void> {
  const stat = await lstat(path).catch(() => null);
  if (stat?.isFile()) await chmod(path, mode);
}

/** Walks without following links: a link is not ours to change. */
async function lockDownTree(dir: string): Promise<void> {
  const stat = await lstat(dir).catch(() => null);
  if (!stat?.isDirectory()) return;
  await chmod(dir, 0o700);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await lockDownTree(path);
    else if (entry.isFile()) await chmod(path, 0o600);
  }
}
