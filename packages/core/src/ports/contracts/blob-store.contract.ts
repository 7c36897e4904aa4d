import { Readable } from "node:stream";
import { expect } from "vitest";
import type { BlobStore } from "../blob-store.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

async function text(stream: Readable | null): Promise<string | null> {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** 4 MiB in 64 KiB chunks, each chunk stamped with its index, so reordering or loss shows. */
function bigStream(): { stream: Readable; size: number; checksum: string } {
  const chunkSize = 64 * 1024;
  const count = 64;
  const parts = Array.from({ length: count }, (_, i) => Buffer.alloc(chunkSize, i % 251));
  return { stream: Readable.from(parts), size: chunkSize * count, checksum: Buffer.concat(parts).toString("base64") };
}

const BAD_KEYS = ["", "../escape", "a/../../escape", "/etc/passwd", "a//b", "a/", "a\\b", "./a", "a/./b", "..", "a/.."];

/** The BlobStore contract: every adapter (filesystem, S3, …) runs these cases. */
export function runBlobStoreContract(options: ContractOptions<BlobStore>): void {
  defineContract<BlobStore>(
    "BlobStore",
    options,
    async () => {},
    (test) => {
      test("put then get and head return the bytes and size", async (blobs) => {
        expect(await blobs.put("artifacts/one.txt", Buffer.from("héllo"))).toEqual({ size: 6 });
        expect(await text(await blobs.get("artifacts/one.txt"))).toBe("héllo");
        expect(await blobs.head("artifacts/one.txt")).toEqual({ size: 6 });
      });

      test("missing keys: get and head return null", async (blobs) => {
        expect(await blobs.get("nope/missing.bin")).toBeNull();
        expect(await blobs.head("nope/missing.bin")).toBeNull();
      });

      test("streams a large body in and out unchanged", async (blobs) => {
        const big = bigStream();
        expect(await blobs.put("big/blob.bin", big.stream)).toEqual({ size: big.size });
        const out = await blobs.get("big/blob.bin");
        const chunks: Buffer[] = [];
        for await (const chunk of out ?? []) chunks.push(Buffer.from(chunk));
        expect(Buffer.concat(chunks).toString("base64")).toBe(big.checksum);
      });

      test("put replaces an existing blob", async (blobs) => {
        await blobs.put("k.txt", Buffer.from("first version"));
        await blobs.put("k.txt", Buffer.from("second"));
        expect(await text(await blobs.get("k.txt"))).toBe("second");
        expect(await blobs.head("k.txt")).toEqual({ size: 6 });
      });

      test("a body that fails midway leaves no blob and keeps the previous one", async (blobs) => {
        const failing = () =>
          Readable.from(
            (async function* () {
              yield Buffer.from("partial data");
              throw new Error("upload interrupted");
            })(),
          );
        await expect(blobs.put("fresh.bin", failing())).rejects.toThrow(/interrupted/);
        expect(await blobs.head("fresh.bin")).toBeNull();
        await blobs.put("kept.bin", Buffer.from("original"));
        await expect(blobs.put("kept.bin", failing())).rejects.toThrow(/interrupted/);
        expect(await text(await blobs.get("kept.bin"))).toBe("original");
        expect(await blobs.list("")).toEqual(["kept.bin"]);
      });

      test("delete returns true once, then false", async (blobs) => {
        await blobs.put("a/b.txt", Buffer.from("x"));
        expect(await blobs.delete("a/b.txt")).toBe(true);
        expect(await blobs.delete("a/b.txt")).toBe(false);
        expect(await blobs.get("a/b.txt")).toBeNull();
        expect(await blobs.delete("never/there")).toBe(false);
      });

      test("list returns the keys starting with a prefix, sorted", async (blobs) => {
        for (const key of [
          "logs/2.txt",
          "artifacts/b/2.tgz",
          "artifacts/a.tgz",
          "artifacts-old/x",
          "artifacts/b/1.tgz",
        ]) {
          await blobs.put(key, Buffer.from(key));
        }
        expect(await blobs.list("artifacts/")).toEqual(["artifacts/a.tgz", "artifacts/b/1.tgz", "artifacts/b/2.tgz"]);
        expect(await blobs.list("artifacts")).toEqual([
          "artifacts-old/x",
          "artifacts/a.tgz",
          "artifacts/b/1.tgz",
          "artifacts/b/2.tgz",
        ]);
        expect(await blobs.list("artifacts/b/1")).toEqual(["artifacts/b/1.tgz"]);
        expect(await blobs.list("")).toHaveLength(5);
        expect(await blobs.list("nothing/")).toEqual([]);
      });

      test("keys that could escape the root are rejected, naming the key", async (blobs) => {
        for (const key of BAD_KEYS) {
          const named = new RegExp(JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
          await expect(blobs.put(key, Buffer.from("x")), `put ${key}`).rejects.toThrow(named);
          await expect(blobs.get(key), `get ${key}`).rejects.toThrow(named);
          await expect(blobs.head(key), `head ${key}`).rejects.toThrow(named);
          await expect(blobs.delete(key), `delete ${key}`).rejects.toThrow(named);
        }
        await expect(blobs.list("../")).rejects.toThrow(/\.\./);
      });
    },
  );
}
