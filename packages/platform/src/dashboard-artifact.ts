import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buffer } from "node:stream/consumers";
import { gzipSync } from "node:zlib";
import { createLocalBuilder } from "@slipway/builder";
import { newId, SlipwayError } from "@slipway/core";
import { createFsBlobStore } from "@slipway/local";
import { DASHBOARD_DIR } from "./dashboard.ts";
import { OPEN_NEXT_CONFIG, OPEN_NEXT_CONFIG_IMPORTS } from "./wire-ports.ts";

/** The reserved project the dashboard is deployed as on AWS: its URL is `https://slipway.<sites domain>`. */
export const DASHBOARD_PROJECT = "slipway";

/** The Slipway checkout this code runs from: the dashboard is built from its committed sources. */
const REPO_DIR = path.resolve(DASHBOARD_DIR, "../..");

export interface DashboardArtifact {
  deploymentId: string;
  /** Where the dashboard's sources come from: the checkout's `origin` remote, else its path. */
  repo: string;
  /** The build's tar archive, gzipped: what the "deploy an artifact" route takes. */
  archive: Buffer;
}

/**
 * Builds apps/dashboard as a site with exactly the builder `slipway up` runs (clone at HEAD,
 * install, next build, OpenNext, manifest, checks), under a fresh deployment id, then packs the
 * stored artifact for upload. Uncommitted changes are not in it (the builder clones a commit).
 */
export async function buildDashboardArtifact(options: {
  log: (line: string) => void;
  signal?: AbortSignal;
  repoDir?: string;
}): Promise<DashboardArtifact> {
  const repoDir = options.repoDir ?? REPO_DIR;
  const sha = headOf(repoDir);
  const work = await mkdtemp(path.join(tmpdir(), "slipway-dashboard-build-"));
  try {
    const blobStore = createFsBlobStore(path.join(work, "data"));
    const builder = createLocalBuilder({
      blobStore,
      cacheDir: path.join(work, "cache"),
      workDir: work,
      openNextConfigPath: OPEN_NEXT_CONFIG,
      readOnlyPaths: OPEN_NEXT_CONFIG_IMPORTS,
    });
    const deploymentId = newId();
    const result = await builder.build({
      deploymentId,
      projectId: DASHBOARD_PROJECT,
      repoUrl: repoDir,
      repoCredential: null,
      sha,
      rootDir: "apps/dashboard",
      // The whole workspace installs (the dashboard imports workspace packages), but none of its
      // install scripts: the root `prepare` would build the CLI and the dashboard a second time, and
      // native modules the dashboard never loads (better-sqlite3) would fetch headers from the internet.
      installCommand: "npm ci --ignore-scripts",
      buildCommand: null,
      nodeVersion: "22",
      env: {},
      mask: [],
      onLog: (line) => options.log(line.text),
      signal: options.signal ?? new AbortController().signal,
    });
    if (!result.ok) {
      throw new SlipwayError(
        "DEPLOYMENT_FAILED",
        `The dashboard's build failed: ${result.reason}`,
        "Its log is above; `npm run build -w apps/dashboard` shows Next's own errors faster.",
      );
    }
    const tar = await blobStore.get(result.artifactKey);
    if (!tar) throw new Error(`the dashboard's build stored no artifact at ${result.artifactKey}`);
    return { deploymentId, repo: originOf(repoDir), archive: gzipSync(await buffer(tar)) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function headOf(repoDir: string): string {
  try {
    return execFileSync("git", ["-C", repoDir, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch (error) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The dashboard is built from the Slipway checkout at ${repoDir}, which is not a git repository with a commit.`,
      `Run slipway from a clone of its repository (${error instanceof Error ? error.message.split("\n")[0] : ""}).`,
    );
  }
}

function originOf(repoDir: string): string {
  try {
    const url = execFileSync("git", ["-C", repoDir, "remote", "get-url", "origin"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return url.trim() || repoDir;
  } catch {
    return repoDir;
  }
}
