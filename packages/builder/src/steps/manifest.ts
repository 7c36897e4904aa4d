import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type DeploymentManifest, MANIFEST_FILE, MANIFEST_VERSION, parseManifest } from "@slipway/core";
import { BuildFailure } from "../failure.ts";

export interface ManifestInput {
  artifactRoot: string;
  appDir: string;
  deploymentId: string;
  envKeys: string[];
  precompressed: string[];
  openNextVersion: string;
  timings: Record<string, number>;
}

/** What OpenNext says about its own output; only the fields the manifest needs. */
interface OpenNextOutput {
  origins?: {
    default?: { bundle?: string; handler?: string; streaming?: boolean };
    imageOptimizer?: { bundle?: string; handler?: string };
  };
}

/**
 * Describes the artifact for whatever runs it. Server and image function locations and streaming
 * come from OpenNext's own `open-next.output.json` (it knows which wrapper it bundled) rather than
 * from guessing at the config.
 */
export async function writeManifest(input: ManifestInput): Promise<DeploymentManifest> {
  const root = input.artifactRoot;
  const output = JSON.parse(await readFile(path.join(root, "open-next.output.json"), "utf8")) as OpenNextOutput;
  const server = output.origins?.default;
  if (!server?.bundle) throw new BuildFailure("OpenNext packaging produced no server function");
  const image = output.origins?.imageOptimizer;

  const manifest = parseManifest({
    version: MANIFEST_VERSION,
    deploymentId: input.deploymentId,
    buildId: (await readFile(path.join(root, "assets", "BUILD_ID"), "utf8")).trim(),
    nextVersion: await packageVersion(path.join(input.appDir, "node_modules", "next", "package.json")),
    openNextVersion: input.openNextVersion,
    createdAt: new Date().toISOString(),
    server: { ...functionAt(root, server.bundle, server.handler), streaming: server.streaming === true },
    image:
      image?.bundle && existsSync(path.join(root, stripOutputDir(image.bundle)))
        ? functionAt(root, image.bundle, image.handler)
        : null,
    assets: { dir: "assets", immutablePrefixes: ["_next/static/"], precompressed: input.precompressed },
    cache: { dir: "cache" },
    envKeys: [...input.envKeys].sort(),
    timings: input.timings,
  });
  await writeFile(path.join(root, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** OpenNext reports bundles as ".open-next/server-functions/default"; the artifact root is `.open-next`. */
function stripOutputDir(bundle: string): string {
  return bundle.replace(/^\.open-next\//, "");
}

/** "index.handler" → the module file `index.mjs` (or .js/.cjs) inside the bundle folder. */
function functionAt(root: string, bundle: string, handler = "index.handler") {
  const dir = stripOutputDir(bundle);
  const base = handler.slice(0, handler.lastIndexOf(".")) || "index";
  const entry = [".mjs", ".js", ".cjs"].map((ext) => base + ext).find((file) => existsSync(path.join(root, dir, file)));
  if (!entry) throw new BuildFailure(`OpenNext packaging produced no entry for ${handler} in ${dir}`);
  return { dir, entry };
}

export async function packageVersion(packageJson: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(packageJson, "utf8")) as { version?: unknown };
    return typeof parsed.version === "string" ? parsed.version : "unknown";
  } catch {
    return "unknown";
  }
}
