import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compressedCache } from "../cache/compressed-cache.ts";
import { brotliQuality, precompressAssets, shouldPrecompress } from "./precompress.ts";

describe("precompressAssets", () => {
  it("writes .br and .gz siblings for text files over 1 KB only", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-precompress-"));
    const js = "export const greeting = 'hello world';\n".repeat(200);
    mkdirSync(path.join(dir, "_next/static/chunks"), { recursive: true });
    writeFileSync(path.join(dir, "_next/static/chunks/app.js"), js);
    writeFileSync(path.join(dir, "styles.css"), "body { color: red; }\n".repeat(100));
    writeFileSync(path.join(dir, "small.txt"), "tiny");
    writeFileSync(path.join(dir, "photo.png"), Buffer.alloc(4096, 1));

    const done = await precompressAssets(dir);

    expect(done).toEqual(["_next/static/chunks/app.js", "styles.css"]);
    const file = path.join(dir, "_next/static/chunks/app.js");
    expect(brotliDecompressSync(readFileSync(`${file}.br`)).toString()).toBe(js);
    expect(gunzipSync(readFileSync(`${file}.gz`)).toString()).toBe(js);
    expect(existsSync(path.join(dir, "small.txt.br"))).toBe(false);
    expect(existsSync(path.join(dir, "photo.png.gz"))).toBe(false);

    // Running again does not compress the compressed files.
    expect(await precompressAssets(dir)).toEqual(done);
  });

  it("never reads through a link nor writes through a planted sibling", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-precompress-"));
    const assets = path.join(dir, "assets");
    mkdirSync(assets);
    const secret = path.join(dir, "secret.js");
    const target = path.join(dir, "target.txt");
    writeFileSync(secret, "const secret = 'platform';\n".repeat(100));
    writeFileSync(target, "untouched");
    symlinkSync(secret, path.join(assets, "leak.js"));
    writeFileSync(path.join(assets, "app.js"), "export const a = 1;\n".repeat(200));
    symlinkSync(target, path.join(assets, "app.js.gz"));
    linkSync(target, path.join(assets, "app.js.br"));

    expect(await precompressAssets(assets)).toEqual(["app.js"]);
    expect(existsSync(path.join(assets, "leak.js.gz"))).toBe(false);
    expect(readFileSync(target, "utf8")).toBe("untouched");
    expect(gunzipSync(readFileSync(path.join(assets, "app.js.gz"))).toString()).toContain("export const a");
  });

  it("takes unchanged assets from the project's cache, byte for byte, and keeps only what a build used", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-precompress-"));
    const build = (name: string, files: Record<string, string>) => {
      const dir = path.join(root, name);
      mkdirSync(dir);
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
      return dir;
    };
    const chunk = "export const greeting = 'hello world';\n".repeat(200);
    const first = build("one", { "a.js": chunk, "old.js": "old\n".repeat(500) });
    await precompressAssets(first, compressedCache(path.join(root, "cache")));
    const entries = readdirSync(path.join(root, "cache", "compressed"));
    expect(entries).toHaveLength(4);

    // A cached .br is served as it is: tell it apart from a fresh compression.
    const [brEntry] = entries.filter(
      (name) =>
        name.endsWith(".br") &&
        readFileSync(path.join(root, "cache", "compressed", name)).equals(readFileSync(path.join(first, "a.js.br"))),
    );
    writeFileSync(path.join(root, "cache", "compressed", brEntry as string), "from the cache");
    const second = build("two", { "a.js": chunk, "new.js": "new\n".repeat(500) });
    expect(await precompressAssets(second, compressedCache(path.join(root, "cache")))).toEqual(["a.js", "new.js"]);
    expect(readFileSync(path.join(second, "a.js.br"), "utf8")).toBe("from the cache");
    expect(gunzipSync(readFileSync(path.join(second, "new.js.gz"))).toString()).toBe("new\n".repeat(500));
    // old.js's entries are gone, a.js's and new.js's are there.
    expect(readdirSync(path.join(root, "cache", "compressed"))).toHaveLength(4);
    expect(readdirSync(path.join(root, "cache", "compressed"))).toContain(brEntry);
  });

  it("skips files that do not shrink", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-precompress-"));
    const random = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(Math.random() * 256)));
    writeFileSync(path.join(dir, "noise.txt"), random);
    expect(await precompressAssets(dir)).toEqual([]);
  });

  it("chooses text types and lowers brotli quality for big files", () => {
    expect(shouldPrecompress("a.map", 2048)).toBe(true);
    expect(shouldPrecompress("a.woff2", 2048)).toBe(false);
    expect(shouldPrecompress("a.ico", 2048)).toBe(false);
    expect(shouldPrecompress("a.js", 1000)).toBe(false);
    expect(brotliQuality(10_000)).toBe(11);
    expect(brotliQuality(500_000)).toBeLessThan(11);
    expect(brotliQuality(5_000_000)).toBeLessThan(brotliQuality(500_000));
  });
});
