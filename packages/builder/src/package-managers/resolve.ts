import { SlipwayError } from "@slipway/core";
import { BUN_DEFAULT, BUN_INSTALL, bunTool } from "./bun.ts";
import { parsePackageManagerField } from "./package-manager-field.ts";
import { PNPM_INSTALL, pnpmTool, pnpmVersionForLockfile } from "./pnpm.ts";
import type { PackageManagerName, ResolvedManager } from "./types.ts";
import { isBerry, yarnInstallArgv, yarnTool, yarnVersionForLockfile } from "./yarn.ts";

export interface ResolveInput {
  /** The manager the lockfile belongs to (npm without a lockfile). */
  manager: PackageManagerName;
  /** The lockfile's text, when there is one and it is text (bun.lockb is not). */
  lockfile: string | null;
  /** package.json's `packageManager` value (undefined when absent) and the file it came from. */
  packageManager: { value: unknown; file: string } | null;
}

/**
 * Which version of the lockfile's manager runs: the one `packageManager` names, else the one the
 * lockfile's format implies. The lockfile decides the manager: a `packageManager` naming another
 * one is an error rather than a guess, since the two disagree about how to install.
 */
export function resolveManager(input: ResolveInput): ResolvedManager {
  const field = input.packageManager
    ? parsePackageManagerField(input.packageManager.value, input.packageManager.file)
    : null;
  if (field && field.name !== input.manager) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${input.packageManager?.file}: "packageManager" names ${field.name}@${field.version} but the repository's lockfile is ${input.manager}'s`,
      `Commit the ${field.name} lockfile (and remove the other), or set "packageManager" to the ${input.manager} version that wrote the lockfile.`,
    );
  }
  const integrity = field?.integrity ?? null;
  const named = field ? `"packageManager" in ${input.packageManager?.file}` : null;
  switch (input.manager) {
    case "npm":
      // The platform's Node ships its npm; a different npm version is not fetched.
      return {
        name: "npm",
        version: null,
        flavor: "npm",
        tool: null,
        integrity: null,
        installArgv: ["npm", "ci"],
        source: "the platform's Node",
      };
    case "pnpm": {
      const implied = input.lockfile === null ? null : pnpmVersionForLockfile(input.lockfile);
      const version = field?.version ?? implied;
      if (!version) {
        throw new SlipwayError(
          "INVALID_CONFIG",
          "pnpm-lock.yaml has a lockfileVersion Slipway does not know, and package.json names no pnpm version",
          'Add "packageManager": "pnpm@<version>" to package.json (what `corepack use pnpm@<version>` writes).',
        );
      }
      return {
        name: "pnpm",
        version,
        flavor: "pnpm",
        tool: pnpmTool(version),
        integrity,
        installArgv: PNPM_INSTALL,
        source: named ?? "pnpm-lock.yaml's lockfileVersion",
      };
    }
    case "yarn": {
      const version = field?.version ?? yarnVersionForLockfile(input.lockfile ?? "");
      return {
        name: "yarn",
        version,
        flavor: isBerry(version) ? "yarn-berry" : "yarn-classic",
        tool: yarnTool(version),
        integrity,
        installArgv: yarnInstallArgv(version),
        source: named ?? "yarn.lock's format",
      };
    }
    case "bun": {
      const version = field?.version ?? BUN_DEFAULT;
      // Corepack has no bun: a hash would be of the `bun` wrapper package, not the binary fetched here.
      return {
        name: "bun",
        version,
        flavor: "bun",
        tool: bunTool(version),
        integrity: null,
        installArgv: BUN_INSTALL,
        source: named ?? "Slipway's default bun",
      };
    }
  }
}
