import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBlobStoreContract } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createFsBlobStore } from "./filesystem.ts";

const dirs: string[] = [];
async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-blobs-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

runBlobStoreContract({ name: "filesystem", create: async () => createFsBlobStore(await tempRoot()) });

describe("filesystem blob store", () => {
  it("keeps blobs under <root>/blobs and leaves no temp file behind", async () => {
    const root = await tempRoot();
    const blobs = createFsBlobStore(root);
    await blobs.put("a/b.txt", Buffer.from("x"));
    expect(await readdir(join(root, "blobs", "a"))).toEqual(["b.txt"]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("a traversal key never touches the filesystem outside the root", async () => {
    const root = await tempRoot();
    const blobs = createFsBlobStore(join(root, "inner"));
    await expect(blobs.put("../outside.txt", Buffer.from("x"))).rejects.toMatchObject({ code: "INVALID_INPUT" });
    expect(await readdir(root)).toEqual([]);
  });

  it("sweeps temp files a crashed upload left behind, once they are a day old", async () => {
    const root = await tempRoot();
    await mkdir(join(root, "tmp"), { recursive: true });
    await writeFile(join(root, "tmp", "stale.part"), "half a blob");
    await writeFile(join(root, "tmp", "fresh.part"), "another process, uploading now");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(join(root, "tmp", "stale.part"), twoDaysAgo, twoDaysAgo);
    await createFsBlobStore(root).put("k", Buffer.from("x"));
    expect(await readdir(join(root, "tmp"))).toEqual(["fresh.part"]);
  });
});
