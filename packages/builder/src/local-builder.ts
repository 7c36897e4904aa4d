import { existsSync } from "node:fs";
import path from "node:path";
import { isSlipwayError } from "@slipway/core";
import { bestEffort } from "./cache/best-effort.ts";
import { compileCache } from "./cache/compile-cache.ts";
import { compressedCache } from "./cache/compressed-cache.ts";
import { nextCache } from "./cache/next-cache.ts";
import { type BuildContext, openBuild, timed } from "./context.ts";
import { buildChildEnv } from "./env.ts";
import { BuildFailure } from "./failure.ts";
import { writeCaBundle } from "./network-env.ts";
import { type LocalBuilderOptions, resolveOptions } from "./options.ts";
import { checkBuildOutput } from "./output/check-output.ts";
import { managerEnv } from "./package-managers/manager-env.ts";
import type { BuildResult, PipelineRequest } from "./pipeline-types.ts";
import { cloneRepo } from "./steps/clone.ts";
import { addSharpToImageFunction } from "./steps/image-sharp.ts";
import { installDependencies, seconds } from "./steps/install.ts";
import { packageVersion, writeManifest } from "./steps/manifest.ts";
import { buildWithOpenNext, OPEN_NEXT_ENTRY } from "./steps/open-next-build.ts";
import { preparePackageManager } from "./steps/package-manager.ts";
import { patchEdgeBundles } from "./steps/patch-edge-bundles.ts";
import { precompressAssets } from "./steps/precompress.ts";
import { artifactKey, storeArtifact } from "./steps/store-artifact.ts";
import type { NodeRuntime } from "./toolchain/node-toolchain.ts";
import { createToolchain, type Toolchain } from "./toolchain/toolchain.ts";
import { resolveRootDir } from "./validate/root-dir.ts";

/**
 * The build pipeline, in this process: a commit becomes an OpenNext artifact in the BlobStore,
 * built in bubblewrap. The local Builder runs it in a supervised child process (`supervisor.ts`).
 */
export function createLocalBuilder(input: LocalBuilderOptions) {
  const options = resolveOptions(input);
  const toolchain = createToolchain(options.toolchainDir, options.env);
  return {
    name: "local",
    async build(request: PipelineRequest): Promise<BuildResult> {
      const ctx = await openBuild(options, request);
      try {
        return await pipeline(ctx, toolchain);
      } catch (error) {
        return failed(ctx, error);
      } finally {
        await ctx.close();
      }
    },
  };
}

async function pipeline(ctx: BuildContext, toolchain: Toolchain): Promise<BuildResult> {
  const start = performance.now();
  const { request, dirs, timings } = ctx;

  const node = await timed(ctx, "toolchain", () => nodeFor(ctx, toolchain));
  ctx.node = node;
  // sharp installs (first build only) while the build runs; its failure only costs resized images.
  const sharp = toolchain.sharp(node).then(
    (dir) => ({ dir }),
    (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
  );

  const repoDir = await timed(ctx, "clone", () => cloneRepo(ctx));
  const appDir = resolveRootDir(repoDir, request.rootDir);
  const { plan, manager, tool } = await timed(ctx, "packageManager", () => preparePackageManager(ctx, appDir, repoDir));
  const caBundle = await writeCaBundle(ctx.options.hostNetwork, path.join(dirs.work, "ca-certificates.pem"));
  const env = buildChildEnv({
    homeDir: dirs.home,
    tmpDir: dirs.tmp,
    pmCacheDir: dirs.pmCache,
    nodeBinDir: path.dirname(node.bin),
    managerEnv: managerEnv(manager, dirs.pmCache, ctx.options.hostNetwork, caBundle),
    toolBinDirs: tool ? [tool.binDir] : [],
    deploymentId: request.deploymentId,
    userEnv: request.env,
    extraEnv: ctx.options.env,
  });
  const compiled = compileCache(dirs.projectCache, dirs.work);
  await bestEffort(ctx.log, "restore the compile cache", false, compiled.restore);
  // The project's own setting wins, as every variable of its env does.
  if (existsSync(compiled.live)) env.NODE_COMPILE_CACHE ??= compiled.live;
  await timed(ctx, "install", () => installDependencies(ctx, plan, env, manager.tool?.version ?? null));

  const buildCache = nextCache(dirs.projectCache, appDir);
  await timed(ctx, "cacheRestore", () => bestEffort(ctx.log, "restore .next/cache", false, buildCache.restore));
  // OpenNext runs the build script with the workspace's package manager: it needs it too.
  const { artifactRoot, edge, patches } = await buildWithOpenNext(ctx, appDir, env, plan.readOnly);
  // The sandbox has exited: from here on the host reads what the build wrote, so check it first.
  await checkBuildOutput(ctx.log, appDir, artifactRoot);
  await patchEdgeBundles(artifactRoot, edge);
  await timed(ctx, "sharp", () => withSharp(ctx, artifactRoot, sharp));
  await timed(ctx, "cacheSave", async () => {
    await bestEffort(ctx.log, "save .next/cache", false, buildCache.save);
    await bestEffort(ctx.log, "save OpenNext's code patches", false, patches.save);
    await bestEffort(ctx.log, "save the compile cache", false, compiled.save);
  });

  const packStart = performance.now();
  const precompressed = await timed(ctx, "precompress", () =>
    precompressAssets(path.join(artifactRoot, "assets"), compressedCache(dirs.projectCache)),
  );
  const manifest = await writeManifest({
    artifactRoot,
    appDir,
    repoDir,
    deploymentId: request.deploymentId,
    envKeys: Object.keys(request.env),
    precompressed,
    edge,
    openNextVersion: await packageVersion(path.join(OPEN_NEXT_ENTRY, "..", "..", "package.json")),
    nodeVersion: node.major,
    timings: { ...timings },
  });
  const key = artifactKey(request.deploymentId);
  const size = await timed(ctx, "store", () => storeArtifact(ctx.options.blobStore, artifactRoot, key));
  timings.package = Math.round(performance.now() - packStart);
  timings.total = Math.round(performance.now() - start);

  ctx.log.system(
    `✓ Artifact ${key} stored (${(size / 1024 / 1024).toFixed(1)} MB, ${precompressed.length} assets precompressed)`,
  );
  ctx.log.system(`✓ Build completed in ${seconds(timings.total)}`);
  return { ok: true, manifest, artifactKey: key, timings: { ...timings } };
}

/** The project's Node.js, installed into the toolchain on its first build. */
async function nodeFor(ctx: BuildContext, toolchain: Toolchain): Promise<NodeRuntime> {
  const major = ctx.request.nodeVersion;
  try {
    const node = await toolchain.node(major);
    ctx.log.system(`✓ Node.js ${node.version} (project setting ${major})`);
    return node;
  } catch (error) {
    throw new BuildFailure(
      `Node.js ${major} could not be installed into the toolchain (${toolchain.dir}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function withSharp(ctx: BuildContext, artifactRoot: string, sharp: Promise<{ dir: string } | { error: string }>) {
  const installed = await sharp;
  if ("error" in installed) {
    ctx.log.system(`⚠ sharp is not available (${installed.error}): images will be served unresized`);
    return;
  }
  await addSharpToImageFunction(ctx, artifactRoot, installed.dir);
}

/** Expected endings become `{ ok: false }` with a one-line reason; anything else is a fault. */
function failed(ctx: BuildContext, error: unknown): BuildResult {
  const cause = ctx.abortCause();
  let reason: string;
  if (cause === "canceled") reason = "canceled";
  else if (cause === "timeout") reason = `build timed out after ${Math.round(ctx.options.timeoutMs / 1000)} s`;
  else if (error instanceof BuildFailure || isSlipwayError(error)) reason = error.message;
  else throw error;
  ctx.log.system(`✗ ${reason === "canceled" ? "Build canceled" : reason}`);
  return { ok: false, reason };
}
