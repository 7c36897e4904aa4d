// Bundles the telemetry thread into dist/telemetry-thread.mjs (the root `prepare` script runs this
// on `npm ci`), so the thread starts without tsx: no TypeScript compiled in it and no loader
// thread of its own (~20 MB of an idle `slipway up`). dist/telemetry-thread.inputs.json lists the
// sources it was built from: the platform uses the bundle only while none of them is newer.
import { utimes, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const dist = new URL("./dist/", import.meta.url);

export async function buildTelemetryThread() {
  const startedAt = new Date();
  const outfile = new URL("telemetry-thread.mjs", dist).pathname;
  const result = await build({
    entryPoints: [new URL("./src/telemetry/telemetry-thread.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["better-sqlite3"],
    absWorkingDir: new URL(".", import.meta.url).pathname,
    metafile: true,
    logLevel: "warning",
  });
  // Relative to this package, as esbuild names them (the check resolves them the same way).
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.includes("node_modules/"));
  await writeFile(new URL("telemetry-thread.inputs.json", dist), `${JSON.stringify(inputs, null, 2)}\n`);
  // The bundle is as new as the sources it read: a source edited while it was being built is newer.
  await utimes(outfile, startedAt, startedAt);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildTelemetryThread();
