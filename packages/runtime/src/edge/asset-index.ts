import { type Dirent, promises as fs } from "node:fs";
import path from "node:path";
import type { DeploymentManifest } from "@slipway/core";
import { assetsDirOf } from "../deployment-files.ts";
import { contentTypeOf } from "./mime.ts";

export interface Variant {
  readonly file: string;
  readonly size: number;
}

export interface AssetEntry extends Variant {
  readonly etag: string;
  readonly lastModified: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly br: Variant | null;
  readonly gzip: Variant | null;
}

/** URL path (`/_next/static/x.js`) → file. Built once per deployment: deployments are immutable. */
export type AssetIndex = Map<string, AssetEntry>;

const IMMUTABLE = "public, max-age=31536000, immutable";
// Public files keep their URL across deploys, so browsers must check back (cheap with the ETag).
const REVALIDATE = "public, max-age=0, must-revalidate";

export async function buildAssetIndex(root: string, manifest: DeploymentManifest): Promise<AssetIndex> {
  const files = new Map<string, { file: string; size: number; mtimeMs: number }>();
  const assetsRoot = assetsDirOf(await fs.realpath(root), manifest);
  // The assets folder itself must be reached without a link (the manifest's path has no `..`).
  const real = await fs.realpath(assetsRoot).catch(() => null);
  if (real === assetsRoot) await walk(assetsRoot, "", files, 0);
  const immutable = manifest.assets.immutablePrefixes.map((p) => `/${p.replace(/^\/+/, "")}`);
  const precompressed = new Set(manifest.assets.precompressed.map((p) => `/${p.replace(/^\/+/, "")}`));
  const index: AssetIndex = new Map();
  for (const [key, info] of files) {
    const sibling = (ext: string): Variant | null => {
      if (!precompressed.has(key)) return null;
      const found = files.get(`${key}${ext}`);
      return found ? { file: found.file, size: found.size } : null;
    };
    index.set(key, {
      file: info.file,
      size: info.size,
      etag: `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`,
      lastModified: new Date(info.mtimeMs).toUTCString(),
      contentType: contentTypeOf(key),
      cacheControl: immutable.some((prefix) => key.startsWith(prefix)) ? IMMUTABLE : REVALIDATE,
      br: sibling(".br"),
      gzip: sibling(".gz"),
    });
  }
  return index;
}

/**
 * Regular files and folders only, as lstat sees them: builds never put links among assets (the
 * builder refuses them), so a link here is skipped rather than followed anywhere.
 */
async function walk(
  dir: string,
  prefix: string,
  out: Map<string, { file: string; size: number; mtimeMs: number }>,
  depth: number,
) {
  // No real asset tree is this deep.
  if (depth > 32) return;
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const key = `${prefix}/${entry.name}`;
    const stat = await fs.lstat(full).catch(() => null);
    if (!stat) continue;
    if (stat.isDirectory()) await walk(full, key, out, depth + 1);
    else if (stat.isFile()) out.set(key, { file: full, size: stat.size, mtimeMs: stat.mtimeMs });
  }
}
