import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { removeInBackground } from "./remove-in-background.ts";

describe("removing a finished build's folder", () => {
  it("removes the folder and never what its links point at", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-remove-"));
    try {
      const outside = path.join(root, "outside");
      mkdirSync(outside);
      writeFileSync(path.join(outside, "keep.txt"), "kept");
      const work = path.join(root, "work");
      mkdirSync(path.join(work, "node_modules", "a"), { recursive: true });
      writeFileSync(path.join(work, "node_modules", "a", "index.js"), "x");
      symlinkSync(outside, path.join(work, "link-to-folder"));
      symlinkSync(path.join(outside, "keep.txt"), path.join(work, "link-to-file"));

      removeInBackground(work);
      for (let i = 0; i < 200 && existsSync(work); i++) await new Promise((r) => setTimeout(r, 25));

      expect(existsSync(work)).toBe(false);
      expect(readFileSync(path.join(outside, "keep.txt"), "utf8")).toBe("kept");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
