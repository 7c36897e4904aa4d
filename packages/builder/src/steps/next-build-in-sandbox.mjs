// Runs the app's build exactly as `open-next build` would (same command choice, same
// NEXT_PRIVATE_STANDALONE / trace-root env, OpenNext's own helpers), but on its own: Slipway reads
// the Next build output (which routes use the edge runtime) before it writes the OpenNext config.
// Plain .mjs on purpose: it runs inside the build sandbox with no TypeScript loader.
//
// argv: <OpenNext dist dir> [<build command>]; cwd: the app folder.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [distDir, buildCommand] = process.argv.slice(2);
const from = (file) => import(pathToFileURL(path.join(distDir, file)).href);
const { normalizeOptions } = await from("build/helper.js");
const { buildNextjsApp, setStandaloneBuildMode } = await from("build/buildNextApp.js");

const config = { default: {}, ...(buildCommand ? { buildCommand } : {}) };
const options = normalizeOptions(config, distDir, mkdtempSync(path.join(os.tmpdir(), "slipway-next-build-")));
setStandaloneBuildMode(options);
try {
  buildNextjsApp(options);
} catch (error) {
  // execSync already streamed the build's own output; its stack trace would only bury the cause.
  console.error(`${error.message.split("\n")[0]}`);
  process.exit(typeof error.status === "number" && error.status > 0 ? error.status : 1);
}
