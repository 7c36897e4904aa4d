import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, promises as fs, readdirSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createLocalBuilder } from "@slipway/builder";
import { FIXTURES, fixtureRepo, openNextConfig, REPO_ROOT } from "@slipway/builder/test-support";
import { type BlobStore, MANIFEST_FILE } from "@slipway/core";
import { extract } from "tar";

/** The deployment id the edge fixture is built for. */
export const EDGE_FIXTURE_DEPLOYMENT_ID = "edgefix001";

/**
 * fixtures/edge-app built by Slipway's real builder (next build, then OpenNext with one function
 * per edge-runtime route, as the builder lays them out: `server-functions/edge-*`, the manifest's
 * `functions`), unpacked. Built once per content hash of the fixture and Slipway's OpenNext
 * config and builder steps (minutes on two cores), then reused by every test and run.
 */
export async function edgeFixtureArtifact(): Promise<{ artifactDir: string }> {
  const base = path.join(os.tmpdir(), `slipway-aws-edge-fixture-${hashInputs()}`);
  const artifactDir = path.join(base, "artifact");
  if (await exists(path.join(artifactDir, MANIFEST_FILE))) return { artifactDir };
  await fs.rm(base, { recursive: true, force: true });
  await fs.mkdir(base, { recursive: true });
  const builder = createLocalBuilder({
    blobStore: folderBlobStore(path.join(base, "blobs")),
    cacheDir: path.join(base, "cache"),
    workDir: path.join(base, "work"),
    ...openNextConfig(base),
  });
  const lines: string[] = [];
  const result = await builder.build({
    ...fixtureRepo("edge-app", base),
    deploymentId: EDGE_FIXTURE_DEPLOYMENT_ID,
    projectId: "prj_edge_fixture",
    repoCredential: null,
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    nodeVersion: "22",
    env: {},
    mask: [],
    onLog: (line) => lines.push(line.text),
    signal: new AbortController().signal,
  });
  if (!result.ok) throw new Error(`edge fixture build failed: ${result.reason}\n${lines.slice(-80).join("\n")}`);
  const staging = `${artifactDir}.tmp`;
  await fs.mkdir(staging, { recursive: true });
  await pipeline(createReadStream(path.join(base, "blobs", result.artifactKey)), extract({ cwd: staging }));
  await fs.rename(staging, artifactDir);
  await fs.rm(path.join(base, "work"), { recursive: true, force: true });
  return { artifactDir };
}

/** Where the builder stores the artifact: files under `dir`, named by key. */
function folderBlobStore(dir: string): BlobStore {
  const file = (key: string) => path.join(dir, key);
  return {
    name: `folder ${dir}`,
    async put(key, body) {
      await fs.mkdir(path.dirname(file(key)), { recursive: true });
      if (Buffer.isBuffer(body)) await fs.writeFile(file(key), body);
      else await pipeline(body, createWriteStream(file(key)));
      return { size: (await fs.stat(file(key))).size };
    },
    async get(key) {
      return (await exists(file(key))) ? createReadStream(file(key)) : null;
    },
    async head(key) {
      return (await exists(file(key))) ? { size: (await fs.stat(file(key))).size } : null;
    },
    async delete(key) {
      const found = await exists(file(key));
      await fs.rm(file(key), { force: true });
      return found;
    },
    async list(prefix) {
      const all = await fs.readdir(dir, { recursive: true }).catch(() => [] as string[]);
      return all.filter((key) => key.startsWith(prefix));
    },
  };
}

/** The fixture's sources, Slipway's OpenNext config and overrides, and the builder's steps. */
function hashInputs(): string {
  const hash = createHash("sha256");
  const roots = [
    path.join(FIXTURES, "edge-app"),
    path.join(REPO_ROOT, "packages/runtime/opennext"),
    path.join(REPO_ROOT, "packages/builder/src/steps"),
  ];
  const files = roots.flatMap((root) =>
    readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((rel) => !rel.split(path.sep).some((part) => part === "node_modules" || part === ".next"))
      .map((rel) => path.join(root, rel)),
  );
  for (const file of files.sort()) {
    if (!statSync(file).isFile()) continue;
    hash.update(path.relative(REPO_ROOT, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 12);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
