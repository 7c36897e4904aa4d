// The module OpenNext's server bundle step gets instead of its code patcher (patch-hooks.mjs):
// OpenNext's own functions, with `applyCodePatches` going through the cache in
// code-patch-cache.mjs. The hook passes the original module and the cache folders in our URL.
import { readFile } from "node:fs/promises";
import { cachingCodePatcher } from "./code-patch-cache.mjs";

const params = new URL(import.meta.url).searchParams;
const originalUrl = params.get("original");
const original = await import(originalUrl);
const helper = await import(new URL("../helper.js", originalUrl).href);
const openNextPackage = JSON.parse(await readFile(new URL("../../../package.json", originalUrl), "utf8"));

export const { parseVersions, isVersionInRange } = original;

export const applyCodePatches = cachingCodePatcher({
  applyCodePatches: original.applyCodePatches,
  getBundlerRuntime: helper.getBundlerRuntime,
  openNextVersion: openNextPackage.version,
  cacheDir: params.get("cache"),
  newEntriesDir: params.get("out"),
});
