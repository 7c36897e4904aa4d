import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nextCache } from "./next-cache.ts";

function project() {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-next-cache-")));
  const appDir = path.join(dir, "repo");
  const host = path.join(dir, "host-folder");
  mkdirSync(path.join(host, "cache"), { recursive: true });
  writeFileSync(path.join(host, "cache", "keep.txt"), "host file");
  mkdirSync(appDir);
  mkdirSync(path.join(dir, "project-cache"));
  return { dir, appDir, host, cache: nextCache(path.join(dir, "project-cache"), appDir) };
}

describe("next cache", () => {
  it("saves and restores a plain .next/cache", async () => {
    const { appDir, cache } = project();
    mkdirSync(path.join(appDir, ".next", "cache", "images"), { recursive: true });
    writeFileSync(path.join(appDir, ".next", "cache", "images", "a"), "img");
    expect(await cache.save()).toBe(true);
    expect(await cache.restore()).toBe(true);
    expect(readFileSync(path.join(appDir, ".next", "cache", "images", "a"), "utf8")).toBe("img");
  });

  it("does not save through a .next that links to a host folder, nor a cache holding links", async () => {
    const { appDir, host, cache, dir } = project();
    symlinkSync(host, path.join(appDir, ".next"));
    await expect(cache.save()).rejects.toThrow(/not a plain folder/);
    expect(readFileSync(path.join(host, "cache", "keep.txt"), "utf8")).toBe("host file");

    mkdirSync(path.join(dir, "project-cache-2"));
    const other = nextCache(path.join(dir, "project-cache-2"), path.join(dir, "app2"));
    mkdirSync(path.join(dir, "app2", ".next", "cache"), { recursive: true });
    symlinkSync(host, path.join(dir, "app2", ".next", "cache", "leak"));
    await expect(other.save()).rejects.toThrow(/links are not allowed/);
    expect(existsSync(path.join(dir, "project-cache-2", "next-cache"))).toBe(false);
  });

  it("does not restore into a .next the repository made a link", async () => {
    const { appDir, host, cache } = project();
    mkdirSync(path.join(appDir, ".next", "cache"), { recursive: true });
    await cache.save();
    rmSync(path.join(appDir, ".next"), { recursive: true });
    symlinkSync(host, path.join(appDir, ".next"));
    await expect(cache.restore()).rejects.toThrow(/not a (plain )?folder/);
    expect(readFileSync(path.join(host, "cache", "keep.txt"), "utf8")).toBe("host file");
  });
});
