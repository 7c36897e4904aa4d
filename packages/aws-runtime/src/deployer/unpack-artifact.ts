import { promises as fs } from "node:fs";
import path from "node:path";
import { type BlobStore, type Deployment, type DeploymentManifest, MANIFEST_FILE, parseManifest } from "@slipway/core";
import { extractArtifact } from "@slipway/runtime/extract";
import { StepFailure, step } from "./step.ts";

async function readManifest(root: string): Promise<DeploymentManifest> {
  const file = path.join(root, MANIFEST_FILE);
  const stat = await fs.lstat(file);
  if (!stat.isFile() || stat.size > 16 * 1024 * 1024) throw new StepFailure(`${MANIFEST_FILE} is not a manifest file`);
  return parseManifest(JSON.parse(await fs.readFile(file, "utf8")));
}

/**
 * Unpacks the deployment's artifact into `dir` and returns its manifest, refusing one built for
 * another deployment.
 */
export async function unpackArtifact(
  blobs: BlobStore,
  deployment: Deployment,
  dir: string,
): Promise<DeploymentManifest> {
  if (!deployment.artifactKey) throw new StepFailure(`deployment ${deployment.id} has no artifact`);
  const key = deployment.artifactKey;
  const body = await step(`reading ${key} from ${blobs.name}`, () => blobs.get(key));
  if (!body) throw new StepFailure(`artifact ${key} not found in ${blobs.name}`);
  await step(`unpacking ${key}`, () => extractArtifact(body, dir));
  const manifest = await step(`reading the manifest of ${key}`, () => readManifest(dir));
  if (manifest.deploymentId !== deployment.id) {
    throw new StepFailure(`artifact manifest is for deployment ${manifest.deploymentId}, not ${deployment.id}`);
  }
  return manifest;
}

/**
 * The folders the build's cache seeds under the site's cache prefix: one per build (OpenNext
 * names it by the build or deployment id), fetch-cache ones under `__fetch/`. The running app writes
 * under the same folders, so removing them on deactivate frees exactly this deployment's cache.
 */
export async function cacheSeedPrefixes(cacheDir: string, cacheRoot: string): Promise<string[]> {
  const prefixes: string[] = [];
  for (const entry of await fs.readdir(cacheDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    if (entry.name !== "__fetch") prefixes.push(`${cacheRoot}/${entry.name}`);
    else {
      for (const inner of await fs.readdir(path.join(cacheDir, entry.name)))
        prefixes.push(`${cacheRoot}/__fetch/${inner}`);
    }
  }
  return prefixes;
}
