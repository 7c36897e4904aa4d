// OpenNext's `applyCodePatches` with a per-file cache (see run-in-sandbox.mjs). A file's patched
// contents are looked up by a key over everything the patches read: the file's contents, its
// path inside `.open-next` (patches choose files by path), the OpenNext and Next.js versions
// (patches choose themselves by version) and the bundler (one patch's rule embeds it). Every
// OpenNext patch is a function of the code alone (`createPatchCode`), so a hit is exactly what
// patching would write. Misses go through OpenNext's own function, then their results are written
// as new entries; the host checks and keeps them only after a successful build.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/** Bump when what an entry holds or how its key is made changes. */
const FORMAT = "slipway-patch-cache-1";

/**
 * A drop-in for OpenNext's `applyCodePatches(buildOptions, tracedFiles, manifests, codePatcher)`
 * around OpenNext's own (`applyCodePatches`, `getBundlerRuntime` and `openNextVersion` come from
 * the OpenNext that runs). `cacheDir` is read only; new entries and `used.json` (the entries this
 * build read) go to `newEntriesDir`.
 */
export function cachingCodePatcher({ applyCodePatches, getBundlerRuntime, openNextVersion, cacheDir, newEntriesDir }) {
  // OpenNext patches once per server function: the hits of every call are this build's.
  const usedByBuild = new Set();
  return async (buildOptions, tracedFiles, manifests, codePatcher) => {
    const started = performance.now();
    const salt = [
      FORMAT,
      openNextVersion,
      buildOptions.nextVersion,
      getBundlerRuntime(buildOptions),
      ...codePatcher.map(({ name }) => name),
    ].join("\0");
    const filters = codePatcher.flatMap(({ patches }) => patches.map((patch) => patch.pathFilter));
    const candidates = tracedFiles.filter((file) => filters.some((filter) => file.match(filter)));
    const misses = [];
    const used = [];
    await Promise.all(
      candidates.map(async (file) => {
        const contents = await readFile(file);
        const key = createHash("sha256")
          .update(salt)
          .update("\0")
          .update(path.relative(buildOptions.outputDir, file))
          .update("\0")
          .update(contents)
          .digest("hex");
        const cached = await readFile(path.join(cacheDir, key)).catch(() => null);
        if (cached === null) {
          misses.push({ file, key });
          return;
        }
        used.push(key);
        if (!cached.equals(contents)) await writeFile(file, cached);
      }),
    );
    await applyCodePatches(
      buildOptions,
      misses.map(({ file }) => file),
      manifests,
      codePatcher,
    );
    await mkdir(newEntriesDir, { recursive: true });
    await Promise.all(
      misses.map(async ({ file, key }) => writeFile(path.join(newEntriesDir, key), await readFile(file))),
    );
    for (const key of used) usedByBuild.add(key);
    await writeFile(path.join(newEntriesDir, "used.json"), JSON.stringify([...usedByBuild]));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Code patches: ${used.length} files from the build cache, ${misses.length} patched (${seconds} s)`);
  };
}
