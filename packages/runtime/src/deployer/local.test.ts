import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Deployment } from "@slipway/core";
import { runDeployerContract } from "@slipway/core/contracts";
import { createMemoryBlobStore } from "@slipway/memory";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testManifest } from "../test-support/manifest.ts";
import { createLocalDeployer } from "./local.ts";

// The deployer with a fake function host: unpack, seed, warm and the failure paths, no Next build.
let dir: string;
const blobs = createMemoryBlobStore();
let warmStatus = 200;
const stopped: string[] = [];
const functionHost = {
  paths: (id: string) => ({ root: path.join(dir, "deployments", id), cache: path.join(dir, "cache", id) }),
  warm: async () => ({ status: warmStatus, ms: 5, coldStart: true }),
  stop: async (id: string) => {
    stopped.push(id);
  },
};

async function artifact(id: string, extra: (root: string) => Promise<void> = async () => {}): Promise<string> {
  const root = path.join(dir, `src-${id}`);
  await fs.mkdir(path.join(root, "cache", "b1"), { recursive: true });
  await fs.writeFile(path.join(root, "cache", "b1", "index.cache"), "{}");
  const manifest = testManifest(id, "b1");

  await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(manifest));
  await extra(root);
  const file = path.join(dir, `${id}.tgz`);
  await createTar({ file, cwd: root, gzip: true }, ["."]);
  await blobs.put(`artifacts/${id}.tgz`, await fs.readFile(file));
  return `artifacts/${id}.tgz`;
}

const deployment = (id: string, artifactKey: string | null) => ({ id, projectId: "prj", artifactKey }) as Deployment;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-deployer-"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

// The port's promises, on real unpacking with the fake host: a good artifact warms (200), a bad
// one never does (its warm-up answers 500).
let contractArtifacts = 0;
runDeployerContract({
  name: "local",
  create: async () => createLocalDeployer({ blobs, deploymentsDir: path.join(dir, "deployments"), functionHost }),
  good: async () => {
    const id = `dpl_contract_${++contractArtifacts}`;
    return deployment(id, await artifact(id));
  },
  bad: async () => {
    const id = `dpl_contract_bad_${++contractArtifacts}`;
    return deployment(id, `artifacts/${id}-never-built.tgz`);
  },
});

describe("local deployer", () => {
  const deployer = () => createLocalDeployer({ blobs, deploymentsDir: path.join(dir, "deployments"), functionHost });

  it("unpacks, seeds the cache and warms; a retry is a no-op that succeeds", async () => {
    const key = await artifact("dpl_ok");
    expect(await deployer().activate(deployment("dpl_ok", key))).toEqual({ ok: true, warmMs: 5 });
    expect(await fs.readFile(path.join(dir, "cache", "dpl_ok", "b1", "index.cache"), "utf8")).toBe("{}");
    expect(await deployer().activate(deployment("dpl_ok", key))).toEqual({ ok: true, warmMs: 5 });
    expect((await fs.readdir(path.join(dir, "deployments"))).filter((f) => f.startsWith(".tmp"))).toEqual([]);
  });

  it("refuses an artifact with a symlink pointing outside", async () => {
    const key = await artifact("dpl_evil", (root) => fs.symlink("/etc/passwd", path.join(root, "passwd")));
    const result = await deployer().activate(deployment("dpl_evil", key));
    expect(result).toMatchObject({ ok: false });
    expect(result.ok ? "" : result.reason).toContain("escapes");
    await expect(fs.access(path.join(dir, "deployments", "dpl_evil"))).rejects.toThrow();
  });

  it("refuses a chain of links that each read as inside but, followed, reach the data dir", async () => {
    await fs.writeFile(path.join(dir, "admin-token"), "platform secret");
    const key = await artifact("dpl_chain", async (root) => {
      await fs.mkdir(path.join(root, "assets", "l"), { recursive: true });
      await fs.symlink("..", path.join(root, "assets", "l", "s0")); // the assets folder
      await fs.symlink("s0/../..", path.join(root, "assets", "l", "s1")); // reads as assets, is deployments/
      await fs.symlink("s1/..", path.join(root, "assets", "l", "s2")); // reads as assets/l, is the data dir
      await fs.symlink("l/s2/admin-token", path.join(root, "assets", "BUILD_ID"));
    });
    const result = await deployer().activate(deployment("dpl_chain", key));
    expect(result).toEqual({
      ok: false,
      reason: `could not unpack ${key}: unsafe artifact: artifact contains a symlink ./assets/BUILD_ID -> l/s2/admin-token; links are not allowed in artifact`,
    });
    await expect(fs.access(path.join(dir, "deployments", "dpl_chain"))).rejects.toThrow();
  });

  it("reports a missing artifact and a failed warm-up as reasons", async () => {
    expect(await deployer().activate(deployment("dpl_none", "artifacts/missing.tgz"))).toMatchObject({ ok: false });
    const key = await artifact("dpl_broken");
    warmStatus = 500;
    const result = await deployer().activate(deployment("dpl_broken", key));
    warmStatus = 200;
    expect(result).toMatchObject({ ok: false });
    expect(stopped).toContain("dpl_broken");
  });

  it("deactivate removes files and cache, twice without error", async () => {
    await deployer().deactivate("dpl_ok");
    await deployer().deactivate("dpl_ok");
    await expect(fs.access(path.join(dir, "deployments", "dpl_ok"))).rejects.toThrow();
    await expect(fs.access(path.join(dir, "cache", "dpl_ok"))).rejects.toThrow();
  });

  it("sweeps temp folders a killed process left, and nothing else", async () => {
    await fs.mkdir(path.join(dir, "deployments", ".tmp-dead-1234"), { recursive: true });
    await fs.mkdir(path.join(dir, "cache", "dead.tmp-5678"), { recursive: true });
    await fs.mkdir(path.join(dir, "deployments", "kept"), { recursive: true });
    await deployer().sweepLeftovers();
    await expect(fs.access(path.join(dir, "deployments", ".tmp-dead-1234"))).rejects.toThrow();
    await expect(fs.access(path.join(dir, "cache", "dead.tmp-5678"))).rejects.toThrow();
    await expect(fs.access(path.join(dir, "deployments", "kept"))).resolves.toBeUndefined();
  });
});
