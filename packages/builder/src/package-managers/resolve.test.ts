import { describe, expect, it } from "vitest";
import { parsePackageManagerField } from "./package-manager-field.ts";
import { pnpmVersionForLockfile } from "./pnpm.ts";
import { resolveManager } from "./resolve.ts";
import { yarnVersionForLockfile } from "./yarn.ts";

const field = (value: unknown) => ({ value, file: "package.json" });

describe("packageManager field", () => {
  it("accepts corepack's form, with or without a hash", () => {
    expect(parsePackageManagerField("pnpm@9.15.9", "package.json")).toEqual({
      name: "pnpm",
      version: "9.15.9",
      integrity: null,
    });
    expect(parsePackageManagerField("yarn@4.0.0-rc.1+sha224.abc123", "package.json")).toEqual({
      name: "yarn",
      version: "4.0.0-rc.1",
      integrity: { algorithm: "sha224", hex: "abc123" },
    });
  });

  it.each([["pnpm@^9"], ["pnpm@latest"], ["pnpm"], ["npm:pnpm@9.0.0"], ["deno@2.0.0"], [42], ["pnpm@9.0.0+md5.00"]])(
    "refuses %j with an error naming it",
    (value) => {
      expect(() => parsePackageManagerField(value, "apps/web/package.json")).toThrow(
        expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining(JSON.stringify(value)) }),
      );
    },
  );
});

describe("the version the lockfile implies", () => {
  it.each([
    ["lockfileVersion: '9.0'\n", "9.15.9"],
    ["lockfileVersion: '6.0'\n", "8.15.9"],
    ["lockfileVersion: 5.4\n", "7.33.7"],
    ["lockfileVersion: '42.0'\n", null],
    ["nonsense", null],
  ])("pnpm-lock.yaml %j → pnpm %s", (lockfile, version) => {
    expect(pnpmVersionForLockfile(lockfile)).toBe(version);
  });

  it.each([
    ['# yarn lockfile v1\n\nleft-pad@^1:\n  version "1.3.0"\n', "1.22.22"],
    ["__metadata:\n  version: 4\n  cacheKey: 7\n", "2.4.2"],
    ["__metadata:\n  version: 6\n  cacheKey: 8\n", "3.8.7"],
    ["__metadata:\n  cacheKey: 10c0\n  version: 8\n", "4.18.1"],
  ])("yarn.lock %j → yarn %s", (lockfile, version) => {
    expect(yarnVersionForLockfile(lockfile)).toBe(version);
  });
});

describe("resolveManager", () => {
  it("runs the version packageManager names, over what the lockfile implies", () => {
    const manager = resolveManager({
      manager: "pnpm",
      lockfile: "lockfileVersion: '9.0'\n",
      packageManager: field("pnpm@10.0.0"),
    });
    expect(manager).toMatchObject({ version: "10.0.0", tool: { name: "pnpm", version: "10.0.0" } });
    expect(manager.source).toContain("packageManager");
  });

  it("tells Yarn berry from classic by version, and installs each its own exact way", () => {
    const berry = resolveManager({ manager: "yarn", lockfile: "__metadata:\n  version: 8\n", packageManager: null });
    expect(berry).toMatchObject({ flavor: "yarn-berry", installArgv: ["yarn", "install", "--immutable"] });
    expect(berry.tool?.name).toBe("@yarnpkg/cli-dist");
    const classic = resolveManager({ manager: "yarn", lockfile: "# yarn lockfile v1\n", packageManager: null });
    expect(classic).toMatchObject({ flavor: "yarn-classic", tool: { name: "yarn", version: "1.22.22" } });
    expect(classic.installArgv).toEqual(["yarn", "install", "--frozen-lockfile"]);
  });

  it("fetches bun's native binary for the CPU, and npm is the platform's own", () => {
    expect(resolveManager({ manager: "bun", lockfile: null, packageManager: null }).tool).toMatchObject({
      name: expect.stringMatching(/^@oven\/bun-linux-(x64|aarch64)$/),
      bins: { bun: { binary: "bin/bun" } },
    });
    expect(resolveManager({ manager: "npm", lockfile: "{}", packageManager: field("npm@10.0.0") }).tool).toBeNull();
  });

  it("refuses a packageManager that names another manager than the lockfile's", () => {
    expect(() =>
      resolveManager({ manager: "pnpm", lockfile: "lockfileVersion: '9.0'\n", packageManager: field("yarn@4.1.0") }),
    ).toThrow(/names yarn@4.1.0 but the repository's lockfile is pnpm's/);
  });

  it("asks for a packageManager when a pnpm lockfile's format is unknown", () => {
    expect(() =>
      resolveManager({ manager: "pnpm", lockfile: "lockfileVersion: '42.0'\n", packageManager: null }),
    ).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
  });
});
