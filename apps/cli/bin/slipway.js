#!/usr/bin/env node
// Runs the bundle `npm ci` built (apps/cli/dist): a command answers without compiling TypeScript.
// When a source it was built from changed since (the dev loop) or it was never built, runs the
// sources through tsx instead, so nobody runs stale code.
import { readFileSync, statSync } from "node:fs";

const root = new URL("../../../", import.meta.url);
const bundle = new URL("../dist/slipway.mjs", import.meta.url);

function bundleIsFresh() {
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL("../dist/inputs.json", import.meta.url), "utf8"));
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs < builtAt);
  } catch {
    return false; // not built, or a source it was built from is gone
  }
}

if (bundleIsFresh()) {
  await import(bundle.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/entry.ts");
}
