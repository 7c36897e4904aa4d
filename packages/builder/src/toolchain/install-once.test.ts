import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installOnce } from "./install-once.ts";

describe("installOnce", () => {
  it("fills the folder once, however many ask at the same time, and leaves no staging folder", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-once-"));
    const target = path.join(root, "node-22.23.5");
    let fills = 0;
    const fill = async (dir: string) => {
      fills += 1;
      writeFileSync(path.join(dir, "node"), `fill ${fills}`);
      await new Promise((resolve) => setImmediate(resolve));
    };
    await Promise.all([installOnce(target, fill), installOnce(target, fill), installOnce(target, fill)]);
    expect(readFileSync(path.join(target, "node"), "utf8")).toMatch(/^fill \d$/);
    expect(readdirSync(root)).toEqual(["node-22.23.5"]);
    await installOnce(target, fill);
    expect(fills).toBeLessThanOrEqual(3);
    const before = fills;
    await installOnce(target, fill);
    expect(fills).toBe(before);
  });

  it("replaces a folder a crash left without its completion marker, and keeps nothing of a failed fill", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "slipway-once-"));
    const target = path.join(root, "sharp");
    mkdirSync(target);
    writeFileSync(path.join(target, "half-written"), "");
    await expect(
      installOnce(target, async () => {
        throw new Error("registry unreachable");
      }),
    ).rejects.toThrow("registry unreachable");
    expect(readdirSync(root)).toEqual(["sharp"]);
    await installOnce(target, async (dir) => writeFileSync(path.join(dir, "ok"), ""));
    expect(existsSync(path.join(target, "ok"))).toBe(true);
    expect(existsSync(path.join(target, "half-written"))).toBe(false);
  });
});
