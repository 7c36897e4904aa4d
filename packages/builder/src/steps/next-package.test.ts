import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readNextPackageJson } from "./next-package.ts";

function next(dir: string, version: string): void {
  mkdirSync(path.join(dir, "node_modules", "next"), { recursive: true });
  writeFileSync(path.join(dir, "node_modules", "next", "package.json"), JSON.stringify({ version }));
}

const version = async (app: string, repo: string) =>
  JSON.parse((await readNextPackageJson(app, repo))?.toString() ?? "{}").version;

describe("readNextPackageJson", () => {
  it("finds next in the app's node_modules first, else hoisted to the workspace root", async () => {
    const repo = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-next-")));
    const app = path.join(repo, "apps", "web");
    mkdirSync(app, { recursive: true });
    next(repo, "16.0.0-hoisted");
    expect(await version(app, repo)).toBe("16.0.0-hoisted");
    next(app, "16.4.6");
    expect(await version(app, repo)).toBe("16.4.6");
  });

  it("never looks above the checkout, nor follows a link out of it", async () => {
    const outer = realpathSync(mkdtempSync(path.join(tmpdir(), "slipway-next-")));
    next(outer, "outside");
    const repo = path.join(outer, "repo");
    mkdirSync(path.join(repo, "node_modules"), { recursive: true });
    expect(await readNextPackageJson(repo, repo)).toBeNull();
    symlinkSync(path.join(outer, "node_modules", "next"), path.join(repo, "node_modules", "next"));
    expect(await readNextPackageJson(repo, repo)).toBeNull();
  });
});
