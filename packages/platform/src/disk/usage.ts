import { existsSync } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";

/** What the data dir holds, by kind (docs/operations.md, "The data dir"). */
export const DISK_KINDS = [
  "database",
  "telemetry",
  "artifacts",
  "deployments",
  "deploymentCaches",
  "buildCache",
  "buildScratch",
  "toolchain",
  "other",
] as const;
export type DiskKind = (typeof DISK_KINDS)[number];

export interface ProjectDisk {
  name: string;
  buildCache: number;
  deployments: number;
  deploymentCaches: number;
  artifacts: number;
  total: number;
}

export interface DiskEntry {
  path: string;
  bytes: number;
  /** Last change, in ms since the epoch: what "least recently used" goes by. */
  mtimeMs: number;
}

export interface DiskUsage {
  total: number;
  kinds: Record<DiskKind, number>;
  projects: ProjectDisk[];
  /** One per project folder of `build-cache/` (the package managers' shared folder not included). */
  buildCaches: Array<DiskEntry & { project: string }>;
  /** Folders of finished builds under `builds/` (a result written). */
  finishedBuilds: DiskEntry[];
  /** A build is under way: its project's caches are in use. */
  buildRunning: boolean;
}

const FOLDERS: Partial<Record<string, DiskKind>> = {
  blobs: "artifacts",
  deployments: "deployments",
  caches: "deploymentCaches",
  "build-cache": "buildCache",
  builds: "buildScratch",
  toolchain: "toolchain",
};

/** Measures the data dir: links are counted, never followed (build output is untrusted). */
export async function measureDisk(dataDir: string): Promise<DiskUsage> {
  const kinds = Object.fromEntries(DISK_KINDS.map((kind) => [kind, 0])) as Record<DiskKind, number>;
  for (const name of await readdir(dataDir).catch(() => [])) {
    const bytes = await treeBytes(join(dataDir, name));
    const kind: DiskKind =
      FOLDERS[name] ??
      (name.startsWith("slipway.db") ? "database" : name.startsWith("telemetry.db") ? "telemetry" : "other");
    kinds[kind] += bytes;
  }
  const { projectOf, names } = readProjects(dataDir);
  const projects = new Map<string, ProjectDisk>();
  const project = (id: string) => {
    const name = names.get(id) ?? `(removed ${id})`;
    let entry = projects.get(name);
    if (!entry) {
      entry = { name, buildCache: 0, deployments: 0, deploymentCaches: 0, artifacts: 0, total: 0 };
      projects.set(name, entry);
    }
    return entry;
  };
  const perDeployment = async (folder: string, field: "deployments" | "deploymentCaches" | "artifacts") => {
    for (const name of await readdir(join(dataDir, folder)).catch(() => [])) {
      const projectId = projectOf.get(name.replace(/\.tar$/, ""));
      if (projectId) project(projectId)[field] += await treeBytes(join(dataDir, folder, name));
    }
  };
  await perDeployment("deployments", "deployments");
  await perDeployment("caches", "deploymentCaches");
  await perDeployment("blobs/artifacts", "artifacts");

  const buildCaches: DiskUsage["buildCaches"] = [];
  const cacheDir = join(dataDir, "build-cache");
  for (const name of await readdir(cacheDir).catch(() => [])) {
    if (name.startsWith(".")) continue; // the package managers, shared by every project
    const path = join(cacheDir, name);
    const bytes = await treeBytes(path);
    const mtimeMs = await newestMtime(path);
    buildCaches.push({ project: names.get(name) ?? `(removed ${name})`, path, bytes, mtimeMs });
    if (names.has(name)) project(name).buildCache += bytes;
  }

  const finishedBuilds: DiskEntry[] = [];
  let buildRunning = false;
  const buildsDir = join(dataDir, "builds");
  for (const name of await readdir(buildsDir).catch(() => [])) {
    const path = join(buildsDir, name);
    if (!(await lstat(path)).isDirectory()) continue;
    const result = await lstat(join(path, "result.json")).catch(() => null);
    if (result === null) buildRunning = true;
    else finishedBuilds.push({ path, bytes: await treeBytes(path), mtimeMs: result.mtimeMs });
  }

  for (const entry of projects.values())
    entry.total = entry.buildCache + entry.deployments + entry.deploymentCaches + entry.artifacts;
  return {
    total: Object.values(kinds).reduce((sum, bytes) => sum + bytes, 0),
    kinds,
    projects: [...projects.values()].sort((a, b) => b.total - a.total),
    buildCaches,
    finishedBuilds,
    buildRunning,
  };
}

/** Deployment → project, and project id → name (build-cache folders are named by project id). */
function readProjects(dataDir: string) {
  const projectOf = new Map<string, string>();
  const names = new Map<string, string>();
  const path = join(dataDir, "slipway.db");
  if (!existsSync(path)) return { projectOf, names };
  // Read-only and without migrations: a status check must change nothing, whatever the version.
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    for (const row of db.prepare("SELECT id, name FROM projects").all() as Array<{ id: string; name: string }>)
      names.set(row.id, row.name);
    for (const row of db.prepare("SELECT id, project_id FROM deployments").all() as Array<{
      id: string;
      project_id: string;
    }>)
      projectOf.set(row.id, row.project_id);
  } finally {
    db.close();
  }
  return { projectOf, names };
}

async function treeBytes(entry: string): Promise<number> {
  const stats = await lstat(entry).catch(() => null);
  if (stats === null) return 0;
  if (!stats.isDirectory()) return stats.size;
  let total = 0;
  for (const name of await readdir(entry).catch(() => [])) total += await treeBytes(join(entry, name));
  return total;
}

/** The newest change one level down: a build writes into its project's cache folders. */
async function newestMtime(dir: string): Promise<number> {
  let newest = (await lstat(dir)).mtimeMs;
  for (const name of await readdir(dir).catch(() => [])) {
    const stats = await lstat(join(dir, name)).catch(() => null);
    if (stats && stats.mtimeMs > newest) newest = stats.mtimeMs;
  }
  return newest;
}
