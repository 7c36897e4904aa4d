import { promises as fs } from "node:fs";
import path from "node:path";

/**
 * Which paths a deployment's middleware runs on. A cached page is served without running
 * middleware, so the edge cache must leave those paths alone: middleware may redirect, rewrite
 * or answer per cookie or per user. Read from the build's manifests (edge middleware in
 * `middleware-manifest.json`, Node.js middleware / Next 16 proxy in
 * `functions-config-manifest.json`).
 *
 * The regexes are build output, so untrusted, and they would run in the edge's event loop that
 * every site shares: a pattern that could backtrack catastrophically (a repeated group that
 * itself repeats), one with `has` / `missing` conditions, or manifests that cannot be read all
 * mean "may run anywhere", and the deployment's responses are not cached.
 */
export type MiddlewareMatcher = (pathname: string) => boolean;

const EVERYWHERE: MiddlewareMatcher = () => true;
const NOWHERE: MiddlewareMatcher = () => false;
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_PATTERN_LENGTH = 2048;
const MAX_PATH_LENGTH = 2048;
/** A group quantified by `*`, `+` or `{n,}` whose body repeats too: the ReDoS shape. */
const NESTED_REPEAT = /\([^()]*(?:[*+]|\{\d+,)[^()]*\)(?:[*+]|\{\d+,)/;

export async function loadMiddlewareMatcher(functionDir: string): Promise<MiddlewareMatcher> {
  const serverDir = await findServerDir(functionDir);
  if (!serverDir) return EVERYWHERE;
  try {
    const matchers: unknown[] = [];
    const edge = await readJson(path.join(serverDir, "middleware-manifest.json"));
    for (const entry of Object.values((edge?.middleware ?? {}) as Record<string, { matchers?: unknown }>))
      matchers.push(...matchersOf(entry));
    const functions = await readJson(path.join(serverDir, "functions-config-manifest.json"));
    const node = (functions?.functions as Record<string, { matchers?: unknown }> | undefined)?.["/_middleware"];
    if (node) matchers.push(...matchersOf(node));
    if (matchers.length === 0) return NOWHERE;
    const regexes: RegExp[] = [];
    for (const matcher of matchers) {
      const m = matcher as { regexp?: unknown; has?: unknown; missing?: unknown };
      if (typeof m.regexp !== "string" || m.has !== undefined || m.missing !== undefined) return EVERYWHERE;
      if (m.regexp.length > MAX_PATTERN_LENGTH || NESTED_REPEAT.test(m.regexp)) return EVERYWHERE;
      regexes.push(new RegExp(m.regexp));
    }
    return (pathname) => pathname.length > MAX_PATH_LENGTH || regexes.some((re) => re.test(pathname));
  } catch {
    return EVERYWHERE;
  }
}

/** Middleware without `matchers` runs on every path. */
function matchersOf(entry: { matchers?: unknown }): unknown[] {
  return Array.isArray(entry.matchers) ? entry.matchers : [{ regexp: "^/.*$" }];
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  const stat = await fs.lstat(file).catch(() => null);
  if (!stat) return null;
  if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) throw new Error(`unexpected ${file}`);
  return JSON.parse(await fs.readFile(file, "utf8")) as Record<string, unknown>;
}

/** `.next/server` of the bundle: at its root, or under the app's folder in a monorepo. */
async function findServerDir(dir: string, depth = 0): Promise<string | null> {
  const direct = path.join(dir, ".next", "server");
  if ((await fs.lstat(direct).catch(() => null))?.isDirectory()) return direct;
  if (depth >= 3) return null;
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const found = await findServerDir(path.join(dir, entry.name), depth + 1);
    if (found) return found;
  }
  return null;
}
