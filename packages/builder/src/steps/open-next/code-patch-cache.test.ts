import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ApplyCodePatches, cachingCodePatcher } from "./code-patch-cache.mjs";

/** One build's `.open-next`: a Next server file (its path matches the patch) and an app file. */
function outputDir(root: string, serverFile = "module.exports = 1;\n") {
  const out = path.join(root, ".open-next");
  const next = path.join(out, "server-functions/default/node_modules/next/dist/server");
  mkdirSync(next, { recursive: true });
  writeFileSync(path.join(next, "next-server.js"), serverFile);
  writeFileSync(path.join(out, "server-functions/default/page.js"), "page\n");
  return { out, server: path.join(next, "next-server.js"), page: path.join(out, "server-functions/default/page.js") };
}

const PATCHERS = [{ name: "patch-next-server", patches: [{ pathFilter: /next-server\.js$/ }] }];

/** OpenNext's patcher as a stand-in: upper-cases the files its filters match and records them. */
function fakeOpenNext(patched: string[]) {
  return {
    openNextVersion: "4.1.16",
    getBundlerRuntime: () => "webpack",
    async applyCodePatches(
      _options: object,
      files: string[],
      _manifests: object,
      patchers: Parameters<ApplyCodePatches>[3],
    ) {
      for (const file of files) {
        if (!patchers.some(({ patches }) => patches.some((patch) => file.match(patch.pathFilter)))) continue;
        patched.push(file);
        await writeFile(file, (await readFile(file, "utf8")).toUpperCase());
      }
    },
  };
}

describe("OpenNext's code patches through the cache", () => {
  it("patches on a miss and writes an entry, then serves the same bytes from it; new contents or versions miss", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-patch-"));
    const cacheDir = path.join(root, "cache");
    mkdirSync(cacheDir);
    const patched: string[] = [];
    const patcher = (out: string) => cachingCodePatcher({ ...fakeOpenNext(patched), cacheDir, newEntriesDir: out });
    const options = { nextVersion: "16.4.6" };

    const first = outputDir(path.join(root, "build1"));
    await patcher(path.join(root, "new1"))(
      { ...options, outputDir: first.out },
      [first.server, first.page],
      {},
      PATCHERS,
    );
    expect(patched).toEqual([first.server]);
    expect(readFileSync(first.server, "utf8")).toBe("MODULE.EXPORTS = 1;\n");
    const entries = readdirSync(path.join(root, "new1")).filter((name) => name !== "used.json");
    expect(entries).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(root, "new1", "used.json"), "utf8"))).toEqual([]);

    // The host keeps the entry; the next build (another folder, same file) reads it.
    for (const name of entries) writeFileSync(path.join(cacheDir, name), readFileSync(path.join(root, "new1", name)));
    const warm = patcher(path.join(root, "new2"));
    const second = outputDir(path.join(root, "build2"));
    await warm({ ...options, outputDir: second.out }, [second.server, second.page], {}, PATCHERS);
    expect(patched).toHaveLength(1);
    expect(readFileSync(second.server)).toEqual(readFileSync(first.server));
    expect(readFileSync(second.page, "utf8")).toBe("page\n");
    expect(JSON.parse(readFileSync(path.join(root, "new2", "used.json"), "utf8"))).toEqual(entries);

    const changed = outputDir(path.join(root, "build3"), "module.exports = 2;\n");
    await warm({ ...options, outputDir: changed.out }, [changed.server], {}, PATCHERS);
    const otherNext = outputDir(path.join(root, "build4"));
    await warm({ nextVersion: "16.5.0", outputDir: otherNext.out }, [otherNext.server], {}, PATCHERS);
    expect(patched).toEqual([first.server, changed.server, otherNext.server]);
    expect(readFileSync(changed.server, "utf8")).toBe("MODULE.EXPORTS = 2;\n");
  });
});
