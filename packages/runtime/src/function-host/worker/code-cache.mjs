// V8 code cache of the bundle's CommonJS modules, taken after they ran (bytecode caching).
//
// Node's compile cache (module.enableCompileCache) stores a module's code right after compiling it:
// its top-level code only. Next compiles most of its render path lazily, inside the first request,
// and pays that again at every cold start. A cache made from the module's vm.Script after the first
// request holds every function compiled by then, so the next cold start skips them too (measured on
// the fixture's first /ssr: 113–132 ms → 90–101 ms; the import itself is unchanged).
//
// CommonJS only: Node offers no code cache of an ES module after it ran. ES modules, and anything
// this path cannot compile (require() of ESM syntax), go through Node's own loader and its compile
// cache. Plain .mjs on purpose: no TypeScript loader in the cold-start path.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import Module from "node:module";
import path from "node:path";
import vm from "node:vm";

/**
 * Node 20 loses a vm.Script's dynamic import() when the script comes from cached code
 * (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING in Next's incremental cache, seen on 20.20): 22 and
 * later keep it.
 */
const FIRST_MAJOR = 22;

/**
 * Compiles the CommonJS files under `bundleDir` with the cached code in `cacheDir` when there is
 * one V8 accepts; `save()` writes the code of those that had none. Returns null on a Node that
 * cannot keep a cached vm.Script's dynamic import() (see FIRST_MAJOR): then nothing changes.
 */
export function installCodeCache(bundleDir, cacheDir) {
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  const compile = Module.prototype._compile;
  const major = Number(process.versions.node.split(".")[0]);
  if (major < FIRST_MAJOR || importModuleDynamically === undefined || typeof compile !== "function") return null;
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch {
    return null;
  }
  silenceExperimentalWarning("vm.USE_MAIN_CONTEXT_DEFAULT_LOADER");
  const within = `${path.resolve(bundleDir)}${path.sep}`;
  const stats = { warm: 0, cold: 0 };
  /** Compiled without accepted cached code: [cache file, script], written by save(). */
  let unsaved = [];

  Module.prototype._compile = function compileWithCodeCache(...args) {
    const [content, filename, format] = args;
    if (typeof content !== "string" || !filename.startsWith(within) || (format !== undefined && format !== "commonjs"))
      return compile.apply(this, args);
    const file = path.join(cacheDir, createHash("sha256").update(filename).digest("hex").slice(0, 32));
    let cachedData;
    try {
      cachedData = readFileSync(file);
    } catch {
      // No cache yet.
    }
    let script;
    try {
      script = new vm.Script(Module.wrap(content), { filename, cachedData, importModuleDynamically });
    } catch {
      // ESM syntax in a .js file, or a real syntax error: Node's own loader knows what to do with both.
      return compile.apply(this, args);
    }
    if (cachedData !== undefined && !script.cachedDataRejected) stats.warm += 1;
    else {
      stats.cold += 1;
      unsaved.push([file, script]);
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireOf(this), this, filename, path.dirname(filename));
  };

  return {
    stats,
    /** Writes the code of every module compiled without a cache so far (atomically: other workers of the deployment may read it). */
    save() {
      const batch = unsaved;
      unsaved = [];
      for (const [file, script] of batch) {
        try {
          const temp = `${file}.${process.pid}.tmp`;
          writeFileSync(temp, script.createCachedData());
          renameSync(temp, file);
        } catch {
          // A full or read-only cache dir costs the next start its speed, nothing else.
        }
      }
      return batch.length;
    },
  };
}

/** `require` as Node's loader gives it to a module. */
function requireOf(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** The one warning this path causes would otherwise land in the app's logs at every start. */
function silenceExperimentalWarning(feature) {
  const emitWarning = process.emitWarning;
  process.emitWarning = function emitOtherWarnings(warning, ...rest) {
    if (String(warning?.message ?? warning).includes(feature)) return;
    return emitWarning.call(this, warning, ...rest);
  };
}
