import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { promises as fs, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { MANIFEST_FILE } from "@slipway/core";

const RUNTIME_DIR = fileURLToPath(new URL("../..", import.meta.url));
const REPO = path.resolve(RUNTIME_DIR, "../..");
const FIXTURES = path.join(REPO, "fixtures");
const CONFIG = path.join(RUNTIME_DIR, "opennext/open-next.config.ts");
const OPEN_NEXT_BIN = path.join(REPO, "node_modules/.bin/open-next");
/** The builder's pinned sharp (package.json + lockfile), which it copies into every image function. */
const SHARP_LOCK = path.join(REPO, "packages/builder/toolchain/sharp");

/** The fixture is built with this id baked in (NEXT_DEPLOYMENT_ID → `?dpl=` on asset URLs). */
export const FIXTURE_DEPLOYMENT_ID = "dpl_fixture1";

/**
 * Builds a fixture (fixtures/next-app unless named) with Slipway's OpenNext config once per
 * content hash (~30 s) and lays out an artifact root the way the builder does: `.open-next`
 * contents, `.br`/`.gz` siblings for text assets, and `slipway-manifest.json`. Shared by tests and
 * the benchmark.
 */
export async function fixtureArtifact(fixture = "next-app"): Promise<{ artifactDir: string; appDir: string }> {
  const source = path.join(FIXTURES, fixture);
  const key = hashInputs(source);
  const base = path.join(os.tmpdir(), `slipway-runtime-fixture-${fixture}-${key}`);
  const artifactDir = path.join(base, "artifact");
  const appDir = path.join(base, "app");
  if (await exists(path.join(artifactDir, MANIFEST_FILE))) return { artifactDir, appDir };
  await fs.rm(base, { recursive: true, force: true });
  await fs.mkdir(path.join(base, "tmp"), { recursive: true });
  await fs.cp(source, appDir, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}node_modules`) && !src.includes(".next"),
  });
  const env = {
    ...process.env,
    TMPDIR: path.join(base, "tmp"),
    NEXT_DEPLOYMENT_ID: FIXTURE_DEPLOYMENT_ID,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  runStep("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], appDir, env);
  // OpenNext joins --config-path onto the cwd even when absolute: pass it relative.
  runStep(OPEN_NEXT_BIN, ["build", "--config-path", path.relative(appDir, CONFIG)], appDir, env);
  const staging = `${artifactDir}.tmp`;
  await fs.cp(path.join(appDir, ".open-next"), staging, { recursive: true, verbatimSymlinks: true });
  // As the builder does: OpenNext installs no sharp (see open-next.config.ts), the pinned one goes in.
  const sharpDir = path.join(base, "sharp");
  await fs.cp(SHARP_LOCK, sharpDir, { recursive: true });
  runStep(
    "npm",
    ["ci", "--os=linux", "--cpu=x64", "--libc=glibc", "--ignore-scripts", "--no-bin-links", "--prefer-offline"],
    sharpDir,
    env,
  );
  await fs.cp(path.join(sharpDir, "node_modules"), path.join(staging, "image-optimization-function/node_modules"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const precompressed = await compressAssets(path.join(staging, "assets"));
  const manifest = {
    version: 1,
    deploymentId: FIXTURE_DEPLOYMENT_ID,
    buildId: (await fs.readFile(path.join(staging, "assets/BUILD_ID"), "utf8")).trim(),
    nextVersion: "16.4.6",
    openNextVersion: "4.1.16",
    createdAt: new Date().toISOString(),
    server: { dir: "server-functions/default", entry: "index.mjs", streaming: true },
    image: { dir: "image-optimization-function", entry: "index.mjs" },
    assets: { dir: "assets", immutablePrefixes: ["_next/static/"], precompressed },
    cache: { dir: "cache" },
    envKeys: [],
    timings: {},
  };
  await fs.writeFile(path.join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  await fs.rename(staging, artifactDir);
  return { artifactDir, appDir };
}

/** Runs one build step; when it fails, the error carries its output, so CI shows why. */
function runStep(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status === 0) return;
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.slice(-20_000);
  throw new Error(
    `fixture build step failed: ${command} ${args.join(" ")} (${result.error?.message ?? `exit ${result.status}, signal ${result.signal}`})\n${output}`,
  );
}

async function compressAssets(assetsDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const rel of await fs.readdir(assetsDir, { recursive: true })) {
    if (!/\.(js|css|txt|html|json|svg)$/.test(rel)) continue;
    const data = await fs.readFile(path.join(assetsDir, rel));
    await fs.writeFile(path.join(assetsDir, `${rel}.br`), brotliCompressSync(data));
    await fs.writeFile(path.join(assetsDir, `${rel}.gz`), gzipSync(data));
    out.push(rel.split(path.sep).join("/"));
  }
  return out;
}

/** Everything the artifact is built from: Slipway's OpenNext config and overrides, the fixture's sources, the pinned sharp. */
function hashInputs(fixture: string): string {
  const hash = createHash("sha256");
  const opennext = path.join(RUNTIME_DIR, "opennext");
  const files = [
    ...readdirSync(opennext, { recursive: true, encoding: "utf8" }).map((rel) => path.join(opennext, rel)),
    ...readdirSync(fixture, { recursive: true, encoding: "utf8" })
      .filter((rel) => !rel.split(path.sep).some((part) => part === "node_modules" || part === ".next"))
      .map((rel) => path.join(fixture, rel)),
  ];
  for (const file of files.sort()) {
    if (!statSync(file).isFile()) continue;
    hash.update(path.relative(REPO, file));
    hash.update(readFileSync(file));
  }
  hash.update(readFileSync(path.join(SHARP_LOCK, "package-lock.json")));
  return hash.digest("hex").slice(0, 12);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
