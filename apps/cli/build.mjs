// Bundles the CLI into dist/slipway.mjs so a command starts without compiling TypeScript (the
// root `prepare` script runs this on `npm ci`). dist/inputs.json lists the sources it was built
// from: bin/slipway.js runs the bundle only while none of them is newer.
import { utimes, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const dist = new URL("./dist/", import.meta.url);

export async function buildCli() {
  const startedAt = new Date();
  const outfile = new URL("slipway.mjs", dist).pathname;
  const result = await build({
    entryPoints: [new URL("./src/entry.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // The platform (native SQLite, workers started from their own files) and the CDK app stay
    // TypeScript, loaded through tsx by the commands that run them; tsx is a dependency, not bundled.
    external: ["@slipway/platform", "@slipway/aws", "tsx", "better-sqlite3"],
    absWorkingDir: new URL("../..", import.meta.url).pathname,
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.includes("node_modules/"));
  await writeFile(new URL("inputs.json", dist), `${JSON.stringify(inputs, null, 2)}\n`);
  // The bundle is as new as the sources it read: a source edited while it was being built is newer.
  await utimes(outfile, startedAt, startedAt);
}

/** Vitest global setup: tests that spawn the CLI run the bundle users get, built from these sources. */
export const setup = buildCli;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildCli();
