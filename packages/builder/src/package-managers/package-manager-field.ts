import { SlipwayError } from "@slipway/core";
import type { PackageManagerName } from "./types.ts";

export interface PackageManagerField {
  name: PackageManagerName;
  version: string;
  integrity: { algorithm: string; hex: string } | null;
}

// Corepack's grammar: name@exact-semver, optionally +<algorithm>.<hex digest of the tarball>.
// Ranges, tags and URLs are refused: the version decides what runs on the host's cache.
const FIELD =
  /^(npm|pnpm|yarn|bun)@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+(sha1|sha224|sha256|sha512)\.([0-9a-f]+))?$/;

/**
 * Parses package.json's `packageManager` (e.g. "pnpm@9.15.9+sha512.68a…"). Throws a SlipwayError
 * naming the value when it is not an exact version of a manager Slipway runs.
 */
export function parsePackageManagerField(value: unknown, file: string): PackageManagerField {
  const text = typeof value === "string" ? value.trim() : null;
  const match = text === null ? null : FIELD.exec(text);
  if (!match) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${file}: "packageManager" is ${JSON.stringify(value)}, not an exact version of npm, pnpm, yarn or bun`,
      'Use the form corepack writes, e.g. "pnpm@9.15.9" (an exact version, optionally +sha512.<hex>), or remove the field.',
    );
  }
  const [, name, version, algorithm, hex] = match as unknown as [string, PackageManagerName, string, string?, string?];
  return { name, version, integrity: algorithm && hex ? { algorithm, hex } : null };
}
