// Module resolve hook (registered by run-in-sandbox.mjs): the server bundle step's import of
// OpenNext's code patcher gets the caching patcher instead. The caching patcher imports the
// original itself (its own import is not redirected), with the cache folders in its URL.
let settings;

export function initialize(data) {
  settings = data;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (resolved.url !== settings.patcher || context.parentURL?.startsWith(settings.cached)) return resolved;
  const url = new URL(settings.cached);
  url.searchParams.set("original", settings.patcher);
  url.searchParams.set("cache", settings.cacheDir);
  url.searchParams.set("out", settings.newEntriesDir);
  return { url: url.href, format: "module", shortCircuit: true };
}
