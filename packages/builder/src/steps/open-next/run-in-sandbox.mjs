// Runs `open-next build` inside the build sandbox with OpenNext's code patches cached per project:
// patching Next's server files with ast-grep is most of OpenNext's packaging time (~60 % of it,
// measured with --cpu-prof), and its result depends only on each file's path and contents and on
// OpenNext's and Next's versions. A loader hook swaps OpenNext's `applyCodePatches` for the
// caching one in cached-code-patcher.mjs; everything else is OpenNext's own code, unchanged.
// Plain .mjs on purpose: it runs inside the build sandbox with no TypeScript loader.
//
// argv: <OpenNext entry> <patch cache dir, read-only> <new entries dir, writable> <OpenNext args...>
import { register } from "node:module";
import { pathToFileURL } from "node:url";

const [entry, cacheDir, newEntriesDir, ...openNextArgs] = process.argv.slice(2);
register(new URL("./patch-hooks.mjs", import.meta.url), {
  data: {
    // OpenNext's codePatcher.js, and the module the hook resolves it to instead.
    patcher: new URL("./build/patch/codePatcher.js", pathToFileURL(entry)).href,
    cached: new URL("./cached-code-patcher.mjs", import.meta.url).href,
    cacheDir,
    newEntriesDir,
  },
});
// OpenNext's CLI reads its command from argv, as when it runs as `open-next build ...`.
process.argv = [process.argv[0], entry, ...openNextArgs];
await import(pathToFileURL(entry).href);
