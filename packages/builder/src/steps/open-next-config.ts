import { existsSync } from "node:fs";
import path from "node:path";
import type { BuildContext } from "../context.ts";
import { writeFresh } from "../output/safe-fs.ts";
import type { EdgeFunction } from "./edge-functions.ts";

/**
 * The OpenNext config for this build, generated from what `next build` produced: Slipway's base
 * config (packages/runtime/opennext/open-next.config.ts) plus one OpenNext function per edge
 * runtime route. `buildCommand` is a no-op because Slipway already ran the app's build (see
 * next-build.ts): OpenNext only packages.
 */
export async function writeOpenNextConfig(ctx: BuildContext, edge: readonly EdgeFunction[]): Promise<string> {
  const base = path.resolve(ctx.options.openNextConfigPath);
  // Without its file OpenNext silently falls back to AWS defaults (arm64 sharp, S3 cache): a
  // platform misconfiguration, so a fault rather than a failed build.
  if (!existsSync(base)) throw new Error(`OpenNext config not found at ${base}`);
  const config = path.join(ctx.dirs.work, "open-next.config.ts");
  // Relative on purpose: OpenNext compiles configs with `external: [""]`, which leaves every
  // absolute import unbundled (and Node can't load the .ts file at run time).
  let from = path.relative(path.dirname(config), base);
  if (!from.startsWith(".")) from = `./${from}`;
  const functions = Object.fromEntries(
    edge.map((fn) => [
      fn.name,
      { runtime: "edge", routes: [fn.route], patterns: [fn.cdnPattern], override: "@EDGE_OVERRIDE@" },
    ]),
  );
  const source = [
    `import base, { edgeFunctionOverride } from ${JSON.stringify(from)};`,
    "export default {",
    "  ...base,",
    // `true` is the shell's no-op: OpenNext runs buildCommand through a shell.
    `  buildCommand: "true",`,
    ...(edge.length > 0
      ? [
          // The edge config is compiled for a browser-like platform; our overrides import node:*.
          `  edgeExternals: ["node:*"],`,
          // An OpenNext edge bundle takes its wrapper and converter from `middleware.override`
          // (createGenericHandler's type "middleware"), whatever function it is; with `external`
          // false the server function ignores it.
          "  middleware: { external: false, override: edgeFunctionOverride },",
          `  functions: ${JSON.stringify(functions).replaceAll('"@EDGE_OVERRIDE@"', "edgeFunctionOverride")},`,
        ]
      : []),
    "};",
    "",
  ].join("\n");
  // The install and the build ran user code that could write the work dir: never write through its links.
  await writeFresh(config, source, "open-next.config.ts");
  return config;
}
