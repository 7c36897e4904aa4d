import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  type DeploymentManifest,
  isArtifactPath,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type NodeVersion,
  parseManifest,
} from "@slipway/core";
import { BuildFailure } from "../failure.ts";
import { readBuildFile, writeFresh } from "../output/safe-fs.ts";
import type { EdgeFunction } from "./edge-functions.ts";
import { readNextPackageJson } from "./next-package.ts";

// Far above what OpenNext and Next write; a bigger file is not theirs.
const OUTPUT_JSON_LIMIT = 1024 * 1024;
const BUILD_ID_LIMIT = 4096;

export interface ManifestInput {
  artifactRoot: string;
  appDir: string;
  /** The checkout: the app's own dependencies are read only when they resolve inside it. */
  repoDir: string;
  deploymentId: string;
  envKeys: string[];
  precompressed: string[];
  /** Edge runtime routes, each bundled by OpenNext as its own function. */
  edge?: readonly EdgeFunction[];
  openNextVersion: string;
  nodeVersion: NodeVersion;
  timings: Record<string, number>;
}

/** What OpenNext says about its own output; only the fields the manifest needs. */
interface OpenNextOrigin {
  bundle?: string;
  handler?: string;
  streaming?: boolean;
}

interface OpenNextOutput {
  origins?: Record<string, OpenNextOrigin | undefined> & {
    default?: OpenNextOrigin;
    imageOptimizer?: OpenNextOrigin;
  };
}

/**
 * Describes the artifact for whatever runs it. Server and image function locations and streaming
 * come from OpenNext's own `open-next.output.json` (it knows which wrapper it bundled) rather than
 * from guessing at the config. Everything read here is build output: read without following
 * links, bounded, and checked (the output was checked for links before, see check-output.ts).
 */
export async function writeManifest(input: ManifestInput): Promise<DeploymentManifest> {
  const root = input.artifactRoot;
  const output = parseOutput(
    await readBuildFile(
      path.join(root, "open-next.output.json"),
      OUTPUT_JSON_LIMIT,
      "build output open-next.output.json",
    ),
  );
  const server = output.origins?.default;
  if (!server?.bundle) throw new BuildFailure("OpenNext packaging produced no server function");
  const image = output.origins?.imageOptimizer;

  const manifest = parseManifest({
    version: MANIFEST_VERSION,
    deploymentId: input.deploymentId,
    buildId: (
      await readBuildFile(path.join(root, "assets", "BUILD_ID"), BUILD_ID_LIMIT, "build output assets/BUILD_ID")
    )
      .toString("utf8")
      .trim(),
    nextVersion: versionOf(await readNextPackageJson(input.appDir, input.repoDir)),
    openNextVersion: input.openNextVersion,
    createdAt: new Date().toISOString(),
    nodeVersion: input.nodeVersion,
    server: { ...functionAt(root, server.bundle, server.handler), streaming: server.streaming === true },
    image:
      image?.bundle && existsSync(path.join(root, stripOutputDir(image.bundle)))
        ? functionAt(root, image.bundle, image.handler)
        : null,
    functions: (input.edge ?? []).map((fn) => {
      const origin = output.origins?.[fn.name];
      if (!origin?.bundle)
        throw new BuildFailure(`OpenNext packaging produced no function for the edge route ${fn.route}`);
      return {
        name: fn.name,
        runtime: "edge" as const,
        ...functionAt(root, origin.bundle, origin.handler),
        streaming: origin.streaming === true,
        routes: [fn.route],
        paths: [fn.path],
        cdnPatterns: [fn.cdnPattern],
      };
    }),
    assets: { dir: "assets", immutablePrefixes: ["_next/static/"], precompressed: input.precompressed },
    cache: { dir: "cache" },
    envKeys: [...input.envKeys].sort(),
    timings: input.timings,
  });
  await writeFresh(path.join(root, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, MANIFEST_FILE);
  return manifest;
}

function parseOutput(body: Buffer): OpenNextOutput {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (parsed !== null && typeof parsed === "object") return parsed as OpenNextOutput;
  } catch {
    // Reported below.
  }
  throw new BuildFailure("OpenNext packaging wrote an unreadable open-next.output.json");
}

/** OpenNext reports bundles as ".open-next/server-functions/default"; the artifact root is `.open-next`. */
function stripOutputDir(bundle: string): string {
  return bundle.replace(/^\.open-next\//, "");
}

/** "index.handler" → the module file `index.mjs` (or .js/.cjs) inside the bundle folder. */
function functionAt(root: string, bundle: string, handler = "index.handler") {
  const dir = stripOutputDir(bundle);
  const base = handler.slice(0, handler.lastIndexOf(".")) || "index";
  // Both come from a file the build could have written: they must name something inside the output.
  if (!isArtifactPath(dir) || !isArtifactPath(base)) {
    throw new BuildFailure(`OpenNext packaging names a function outside the build output: ${bundle} ${handler}`);
  }
  const entry = [".mjs", ".js", ".cjs"].map((ext) => base + ext).find((file) => existsSync(path.join(root, dir, file)));
  if (!entry) throw new BuildFailure(`OpenNext packaging produced no entry for ${handler} in ${dir}`);
  return { dir, entry };
}

/** The version of one of Slipway's own packages (OpenNext): trusted files. */
export async function packageVersion(packageJson: string): Promise<string> {
  return versionOf(await readFile(packageJson).catch(() => null));
}

function versionOf(packageJson: Buffer | null): string {
  try {
    const parsed = JSON.parse(packageJson?.toString("utf8") ?? "") as { version?: unknown };
    return typeof parsed.version === "string" && parsed.version.length <= 64 ? parsed.version : "unknown";
  } catch {
    return "unknown";
  }
}
