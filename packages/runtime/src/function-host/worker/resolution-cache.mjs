// CommonJS resolutions of an earlier worker of the same deployment, so a cold start does not probe
// the file system for them again. Resolving `require("x")` tries each node_modules folder up the
// tree and each extension: ~5,000 stat calls per cold start of the fixture, two thirds failing
// (strace). Node keeps what it found in Module._pathCache for the life of a process; this keeps it
// across processes. A deployment's files never change, so neither do its resolutions; the cache
// lives in the deployment's own cache dir, next to the code cache, per Node release.
// Plain .mjs on purpose: no TypeScript loader in the cold-start path.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import Module from "node:module";
import path from "node:path";

const FILE = "resolutions.json";

/**
 * Seeds Node's resolution cache with the saved resolutions into `bundleDir` (nothing that
 * resolves outside it is taken); `save()` writes what this process has resolved into it since.
 * Null where Node has no such cache (then nothing changes).
 */
export function installResolutionCache(bundleDir, cacheDir) {
  const cache = Module._pathCache;
  if (cache === null || typeof cache !== "object") return null;
  const within = `${path.resolve(bundleDir)}${path.sep}`;
  const file = path.join(cacheDir, FILE);
  const inBundle = (value) => typeof value === "string" && value.startsWith(within);
  let loaded = 0;
  try {
    const saved = JSON.parse(readFileSync(file, "utf8"));
    for (const [key, value] of Object.entries(saved)) {
      if (inBundle(value) && cache[key] === undefined) {
        cache[key] = value;
        loaded += 1;
      }
    }
  } catch {
    // None yet, or unreadable: resolved the slow way, and saved afterwards.
  }
  let written = loaded;
  return {
    loaded,
    /** Writes the resolutions into the bundle when there are more than the file holds (atomically). */
    save() {
      const entries = Object.entries(cache).filter(([, value]) => inBundle(value));
      if (entries.length <= written) return 0;
      try {
        mkdirSync(cacheDir, { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, JSON.stringify(Object.fromEntries(entries)));
        renameSync(temp, file);
        written = entries.length;
      } catch {
        // A full or read-only cache dir costs the next start its speed, nothing else.
      }
      return entries.length;
    },
  };
}
