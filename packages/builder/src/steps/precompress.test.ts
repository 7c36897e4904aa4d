import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
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
