// Types for code-patch-cache.mjs (plain JS: it runs inside the build sandbox without a TypeScript loader).
export type ApplyCodePatches = (
  buildOptions: { nextVersion: string; outputDir: string },
  tracedFiles: string[],
  manifests: object,
  codePatcher: ReadonlyArray<{ name: string; patches: ReadonlyArray<{ pathFilter: RegExp }> }>,
) => Promise<void>;

export function cachingCodePatcher(options: {
  applyCodePatches: ApplyCodePatches;
  getBundlerRuntime: (buildOptions: object) => string;
  openNextVersion: string;
  cacheDir: string;
  newEntriesDir: string;
}): ApplyCodePatches;
