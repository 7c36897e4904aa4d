import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { ActivationResult, BlobStore, Deployer, Deployment } from "@slipway/core";
import { cacheSeedDirOf, deploymentRoot, manifestFileOf, readManifestFile } from "../deployment-files.ts";
import type { FunctionHost } from "../function-host/types.ts";
import { extractArtifact } from "./extract.ts";

export interface LocalDeployerOptions {
  readonly blobs: BlobStore;
  /** Where artifacts are unpacked: `<deploymentsDir>/<deploymentId>/` (same as the function host's). */
  readonly deploymentsDir: string;
  readonly functionHost: Pick<FunctionHost, "paths" | "warm" | "stop">;
  /** Host header of the pre-warm request (some apps render per host). @default "localhost" */
  readonly warmHost?: (deployment: Deployment) => string;
  /** Called after `deactivate` removed a deployment, e.g. to drop the edge's cached asset index. */
  readonly onDeactivated?: (deploymentId: string) => void;
}

/**
 * The local target's Deployer: unpack the artifact (atomically: temp dir + rename, so a retry
 * never sees half a deployment), seed its writable cache from the build's prerendered pages,
 * and pre-warm a worker with a real request. Aliases are not touched here.
 */
export function createLocalDeployer(options: LocalDeployerOptions) {
  const { blobs, deploymentsDir, functionHost } = options;

  async function unpack(deployment: Deployment): Promise<string | null> {
    const root = deploymentRoot(deploymentsDir, deployment.id);
    if (await exists(manifestFileOf(root))) return null; // already unpacked: retry
    if (!deployment.artifactKey) return `deployment ${deployment.id} has no artifact`;
    const body = await blobs.get(deployment.artifactKey);
    if (!body) return `artifact ${deployment.artifactKey} not found in ${blobs.name}`;
    const tmp = path.join(deploymentsDir, `${tmpPrefix}${deployment.id}-${randomUUID().slice(0, 8)}`);
    await fs.mkdir(tmp, { recursive: true });
    try {
      await extractArtifact(body, tmp);
      // Build output: read without following a link, bounded, validated.
      const manifest = await readManifestFile(manifestFileOf(tmp));
      if (manifest.deploymentId !== deployment.id) {
        return `artifact manifest is for deployment ${manifest.deploymentId}, not ${deployment.id}`;
      }
      await fs.rename(tmp, root).catch(async (error: NodeJS.ErrnoException) => {
        // A concurrent attempt won the race: its copy is as good as ours.
        if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      });
      return null;
    } catch (error) {
      return `could not unpack ${deployment.artifactKey}: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }

  /** Copies the build's `cache/` once; a retry keeps what the running app has written since. */
  async function seedCache(deploymentId: string): Promise<void> {
    const { root, cache } = functionHost.paths(deploymentId);
    if (await exists(cache)) return;
    const manifest = await readManifestFile(manifestFileOf(root));
    const tmp = `${cache}${tmpPrefix}${randomUUID().slice(0, 8)}`;
    await fs.mkdir(path.dirname(cache), { recursive: true });
    const source = cacheSeedDirOf(root, manifest);
    if (await exists(source)) await fs.cp(source, tmp, { recursive: true });
    else await fs.mkdir(tmp);
    await fs.rename(tmp, cache).catch(() => fs.rm(tmp, { recursive: true, force: true }));
  }

  /**
   * Temp folders of unpacks and cache seeds a killed process left behind (~70 MB each). Each
   * carries the pid of its process, so only those of dead processes go: a worker process
   * (`slipway worker`) may be unpacking next to a restarting platform.
   */
  async function sweepLeftovers(): Promise<void> {
    const cachesDir = path.dirname(functionHost.paths("x").cache);
    const leftovers = [
      ...(await fs.readdir(deploymentsDir).catch(() => []))
        .filter((name) => name.startsWith(".tmp-") && !aliveTmp(name))
        .map((name) => path.join(deploymentsDir, name)),
      ...(await fs.readdir(cachesDir).catch(() => []))
        .filter((name) => name.includes(".tmp-") && !aliveTmp(name))
        .map((name) => path.join(cachesDir, name)),
    ];
    await Promise.all(leftovers.map((dir) => fs.rm(dir, { recursive: true, force: true })));
  }

  return {
    name: "local",
    sweepLeftovers,
    async activate(deployment: Deployment): Promise<ActivationResult> {
      const unpackError = await unpack(deployment);
      if (unpackError) return { ok: false, reason: unpackError };
      await seedCache(deployment.id);
      const warm = await functionHost.warm(deployment.id, {
        path: "/",
        host: options.warmHost?.(deployment) ?? "localhost",
      });
      if (warm.status >= 500) {
        await functionHost.stop(deployment.id);
        return { ok: false, reason: `pre-warm request to / answered ${warm.status} after ${warm.ms} ms` };
      }
      return { ok: true, warmMs: warm.ms };
    },
    async deactivate(deploymentId: string): Promise<void> {
      await functionHost.stop(deploymentId);
      const { root, cache } = functionHost.paths(deploymentId);
      await fs.rm(root, { recursive: true, force: true });
      await fs.rm(cache, { recursive: true, force: true });
      options.onDeactivated?.(deploymentId);
    },
  } satisfies Deployer & { sweepLeftovers(): Promise<void> };
}

/** `.tmp-<pid>-…`: the prefix of this process's temp folders. */
const tmpPrefix = `.tmp-${process.pid}-`;

/** Whether the process that made a temp folder still runs (folders without a pid: no). */
function aliveTmp(name: string): boolean {
  const pid = Number(/\.tmp-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
