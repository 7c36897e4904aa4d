import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { IMAGE_ENTRY_FILE, SERVER_ENTRY_FILE, SITE_ENTRIES_FOLDER } from "@slipway/aws-runtime/entry-env";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bundleDirsIn, writeUnbundledEntries } from "./bundles.ts";
import { BUNDLE_NAMES } from "./config.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "slipway-bundles-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeBundle(name: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, "index.mjs"), "export const handler = async () => ({ statusCode: 200 });\n");
  if (name !== "steps") return;
  mkdirSync(join(dir, name, SITE_ENTRIES_FOLDER));
  for (const file of [SERVER_ENTRY_FILE, IMAGE_ENTRY_FILE]) {
    writeFileSync(join(dir, name, SITE_ENTRIES_FOLDER, file), "export const handler = async () => {};\n");
  }
}

describe("bundleDirsIn", () => {
  it("gives each bundle's directory when all have an index.mjs", () => {
    for (const name of BUNDLE_NAMES) writeBundle(name);
    expect(bundleDirsIn(dir)).toEqual(Object.fromEntries(BUNDLE_NAMES.map((name) => [name, join(dir, name)])));
  });

  it("names the missing bundle", () => {
    for (const name of BUNDLE_NAMES.filter((n) => n !== "builder")) writeBundle(name);
    expect(() => bundleDirsIn(dir)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining("builder/index.mjs") }),
    );
  });

  it("names a site entry missing from the steps bundle (the Deployer copies them into every site function)", () => {
    for (const name of ["api", "steps", "builder"]) writeBundle(name);
    rmSync(join(dir, "steps", SITE_ENTRIES_FOLDER, IMAGE_ENTRY_FILE));
    expect(() => bundleDirsIn(dir)).toThrow(
      expect.objectContaining({
        code: "INVALID_CONFIG",
        message: expect.stringContaining(`steps/${SITE_ENTRIES_FOLDER}/${IMAGE_ENTRY_FILE}`),
      }),
    );
  });

  it("refuses an index.mjs that is a symlink (the directory is copied into the assembly as is)", () => {
    for (const name of ["api", "outbox", "builder"]) writeBundle(name);
    mkdirSync(join(dir, "steps"));
    symlinkSync(join(dir, "api", "index.mjs"), join(dir, "steps", "index.mjs"));
    expect(() => bundleDirsIn(dir)).toThrow(/steps\/index\.mjs/);
  });
});

describe("writeUnbundledEntries", () => {
  it("writes entries that refuse to run, saying which flag was missing", async () => {
    const dirs = writeUnbundledEntries(dir);
    expect(bundleDirsIn(dir)).toEqual(dirs);
    const api = await import(pathToFileURL(join(dirs.api, "index.mjs")).href);
    await expect(api.handler()).rejects.toThrow(/--bundles DIR/);
  });
});
