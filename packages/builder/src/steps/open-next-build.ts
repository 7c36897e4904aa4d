import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { BuildContext } from "../context.ts";
import { BuildFailure } from "../failure.ts";
import { writeFresh } from "../output/safe-fs.ts";
import { runSandboxed } from "../process/sandboxed.ts";
import { seconds } from "./install.ts";

const require = createRequire(import.meta.url);

/** Slipway's pinned OpenNext, resolved from this package: never the user's copy. */
export const OPEN_NEXT_ENTRY = require.resolve("@opennextjs/aws/index.js");
/** The node_modules folder that holds it (and esbuild), bound read-only into the sandbox. */
export const PLATFORM_NODE_MODULES = OPEN_NEXT_ENTRY.slice(0, OPEN_NEXT_ENTRY.lastIndexOf("/node_modules/") + 13);

/**
 * `open-next build`: it runs the app's build script (next build) and then bundles `.open-next/`.
 * Its output is watched to split the time between the two and to name the failing half.
 */
export async function buildWithOpenNext(
  ctx: BuildContext,
  appDir: string,
  env: Record<string, string>,
  toolDirs: string[] = [],
): Promise<string> {
  const configPath = await configFor(ctx);
  const label = ctx.request.buildCommand ?? "next build";
  ctx.log.system(`▶ Building with OpenNext, which runs ${label}`);

  const start = performance.now();
  let bundlingAt: number | null = null;
  let sharpMissing = false;
  const onLine = (line: string) => {
    if (bundlingAt === null && line.includes("OpenNext — Generating bundle")) {
      bundlingAt = performance.now();
      ctx.log.system(`✓ ${label} in ${seconds(bundlingAt - start)}`);
    }
    if (line.includes("Could not install dependencies")) sharpMissing = true;
  };

  try {
    await runSandboxed(ctx, {
      // OpenNext joins --config-path onto its cwd, so it has to be relative.
      command: {
        argv: [process.execPath, OPEN_NEXT_ENTRY, "build", "--config-path", path.relative(appDir, configPath)],
      },
      cwd: appDir,
      env,
      what: label,
      readOnly: [PLATFORM_NODE_MODULES, path.dirname(ctx.options.openNextConfigPath), ...toolDirs],
      onLine,
    });
  } catch (error) {
    if (error instanceof BuildFailure && bundlingAt !== null) {
      throw new BuildFailure(`OpenNext packaging${error.message.slice(label.length)}`);
    }
    throw error;
  } finally {
    const end = performance.now();
    ctx.timings.build = Math.round((bundlingAt ?? end) - start);
    ctx.timings.openNext = Math.round(bundlingAt === null ? 0 : end - bundlingAt);
  }
  if (bundlingAt === null) throw new BuildFailure(`${label} failed: OpenNext never reached its bundling step`);
  ctx.log.system(`✓ OpenNext packaging in ${seconds(ctx.timings.openNext ?? 0)}`);
  if (sharpMissing) ctx.log.system("⚠ OpenNext could not install sharp: images will be served unresized");
  return path.join(appDir, ".open-next");
}

/**
 * The project's build command can only reach OpenNext through its config, so when one is set a
 * small wrapper config re-exports Slipway's with `buildCommand` added.
 */
async function configFor(ctx: BuildContext): Promise<string> {
  const base = path.resolve(ctx.options.openNextConfigPath);
  // Without its file OpenNext silently falls back to AWS defaults (arm64 sharp, S3 cache): a
  // platform misconfiguration, so a fault rather than a failed build.
  if (!existsSync(base)) throw new Error(`OpenNext config not found at ${base}`);
  const command = ctx.request.buildCommand?.trim();
  if (!command) return base;
  const wrapper = path.join(ctx.dirs.work, "open-next.config.ts");
  // Relative on purpose: OpenNext compiles configs with `external: [""]`, which leaves every
  // absolute import unbundled (and Node can't load the .ts file at run time).
  let from = path.relative(path.dirname(wrapper), base);
  if (!from.startsWith(".")) from = `./${from}`;
  const source = [
    `import base from ${JSON.stringify(from)};`,
    `export default { ...base, buildCommand: ${JSON.stringify(command)} };`,
    "",
  ].join("\n");
  // The install already ran user code that could write the work dir: never write through its links.
  await writeFresh(wrapper, source, "open-next.config.ts");
  return wrapper;
}
