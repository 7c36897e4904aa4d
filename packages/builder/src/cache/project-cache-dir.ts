import path from "node:path";

/** `<cacheDir>/<projectId>`: one project's build caches; the id made safe as a folder name. */
export function projectCacheDir(cacheDir: string, projectId: string): string {
  return path.join(cacheDir, safeName(projectId));
}

/** Ids are ours, but a name made of them never holds a separator or starts a path climb. */
export function safeName(id: string): string {
  const name = id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80);
  return name.length > 0 ? name : "_";
}
