import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type PatchCache, patchCache } from "../cache/patch-cache.ts";
import type { BuildContext } from "../context.ts";
import { runSandboxed } from "../process/sandboxed.ts";
import { type EdgeFunction, prepareEdgeFunctions } from "./edge-functions.ts";
import { seconds } from "./install.ts";
import { writeOpenNextConfig } from "./open-next-config.ts";

const require = createRequire(import.meta.url);

/** Slipway's pinned OpenNext, resolved from this package: never the user's copy. */
export const OPEN_NEXT_ENTRY = require.resolve("@opennextjs/aws/index.js");
/** The node_modules folder that holds it (and esbuild), bound read-only into the sandbox. */
export const PLATFORM_NODE_MODULES = OPEN_NEXT_ENTRY.slice(0, OPEN_NEXT_ENTRY.lastIndexOf("/node_modules/") + 13);

const NEXT_BUILD_SCRIPT = fileURLToPath(new URL("./next-build-in-sandbox.mjs", import.meta.url));
/** Runs `open-next build` with its code patches cached (see the script). */
const OPEN_NEXT_SCRIPT = fileURLToPath(new URL("./open-next/run-in-sandbox.mjs", import.meta.url));
/** OpenNext's `dist` folder: the next-build script loads OpenNext's own helpers from it. */
const OPEN_NEXT_DIST = path.dirname(OPEN_NEXT_ENTRY);

export interface OpenNextBuild {
  /** The `.open-next` folder. */
  readonly artifactRoot: string;
  /** The edge runtime routes, each bundled as its own function. */
  readonly edge: readonly EdgeFunction[];
  /** OpenNext's code patch cache: saved by the pipeline once the build output is checked. */
  readonly patches: PatchCache;
}

/**
 * Two sandboxed runs: the app's build (next build, as OpenNext would run it), then `open-next
 * build` with a config generated from that build's output, so edge runtime routes become their
 * own functions. OpenNext has no option to skip its build, so the second run gets `true` as its
 * build command: splitting costs ~0.3 s (measured: docs/repositories.md), no second `next build`.
 */
export async function buildWithOpenNext(
  ctx: BuildContext,
  appDir: string,
  env: Record<string, string>,
  toolDirs: string[] = [],
): Promise<OpenNextBuild> {
  const label = ctx.request.buildCommand?.trim() || "next build";
  ctx.log.system(`▶ Building with ${label}`);
  // Both runs on the project's Node.js (the platform's only when no toolchain chose one).
  const node = ctx.node?.bin ?? process.execPath;
  const start = performance.now();
  try {
    await runSandboxed(ctx, {
      command: {
        argv: [node, NEXT_BUILD_SCRIPT, OPEN_NEXT_DIST, ...buildCommandArg(ctx)],
      },
      cwd: appDir,
      env,
      what: label,
      readOnly: [PLATFORM_NODE_MODULES, path.dirname(NEXT_BUILD_SCRIPT), ...toolDirs],
    });
  } finally {
    ctx.timings.build = Math.round(performance.now() - start);
  }
  ctx.log.system(`✓ ${label} in ${seconds(ctx.timings.build)}`);

  const edge = await prepareEdgeFunctions(appDir);
  for (const fn of edge) ctx.log.system(`  edge runtime: ${fn.path} (${fn.route}) → function ${fn.name}`);
  const configPath = await writeOpenNextConfig(ctx, edge);
  const patches = patchCache(ctx.dirs.projectCache, ctx.dirs.work);
  await patches.prepare();

  ctx.log.system("▶ Packaging with OpenNext");
  const packStart = performance.now();
  try {
    await runSandboxed(ctx, {
      // OpenNext joins --config-path onto its cwd, so it has to be relative.
      command: {
        argv: [
          node,
          OPEN_NEXT_SCRIPT,
          OPEN_NEXT_ENTRY,
          patches.dir,
          patches.newEntries,
          "build",
          "--config-path",
          path.relative(appDir, configPath),
        ],
      },
      cwd: appDir,
      env,
      what: "OpenNext packaging",
      readOnly: [
        PLATFORM_NODE_MODULES,
        path.dirname(ctx.options.openNextConfigPath),
        path.dirname(OPEN_NEXT_SCRIPT),
        patches.dir,
      ],
    });
  } finally {
    ctx.timings.openNext = Math.round(performance.now() - packStart);
  }
  ctx.log.system(`✓ OpenNext packaging in ${seconds(ctx.timings.openNext)}`);
  return { artifactRoot: path.join(appDir, ".open-next"), edge, patches };
}

/** The project's own build command, passed on to OpenNext's build step (its `buildCommand`). */
function buildCommandArg(ctx: BuildContext): string[] {
  const command = ctx.request.buildCommand?.trim();
  return command ? [command] : [];
}
