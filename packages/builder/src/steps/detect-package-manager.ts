import { existsSync } from "node:fs";
import path from "node:path";

import type { PackageManagerName } from "../package-managers/types.ts";

export type PackageManager = PackageManagerName;

export interface InstallPlan {
  manager: PackageManager;
  /** The lockfile that pins the tree, or null (then the install is not reproducible or cached). */
  lockfile: string | null;
  /** Where to run the install: the lockfile's folder (a workspace root) or the app folder. */
  dir: string;
  /** argv for the default command, or a shell line when the project sets its own. */
  command: { argv: string[] } | { shell: string };
  /** For the log: "npm ci", "yarn install --frozen-lockfile", or the project's command. */
  label: string;
  /** Read-only folders the command needs in the sandbox (the package manager itself). */
  readOnly: string[];
}

const LOCKFILES: ReadonlyArray<{ file: string; manager: PackageManager; argv: string[] }> = [
  { file: "package-lock.json", manager: "npm", argv: ["npm", "ci"] },
  { file: "npm-shrinkwrap.json", manager: "npm", argv: ["npm", "ci"] },
  { file: "pnpm-lock.yaml", manager: "pnpm", argv: ["pnpm", "install", "--frozen-lockfile"] },
  { file: "yarn.lock", manager: "yarn", argv: ["yarn", "install", "--frozen-lockfile"] },
  { file: "bun.lock", manager: "bun", argv: ["bun", "install", "--frozen-lockfile"] },
  { file: "bun.lockb", manager: "bun", argv: ["bun", "install", "--frozen-lockfile"] },
];

/**
 * Picks the install command from the lockfile nearest the app, looking up to the repository root
 * so an app inside a workspace installs from the workspace root. The project's own install command
 * wins but still runs where the lockfile is.
 */
export function planInstall(
  appDir: string,
  repoDir: string,
  installCommand: string | null,
  manager?: { installArgv: string[]; readOnly: string[] },
): InstallPlan {
  const found = findLockfile(appDir, repoDir);
  const dir = found ? path.dirname(found.path) : appDir;
  const name = found?.manager ?? "npm";
  // Without a lockfile there is nothing to be exact about: `npm install`.
  const defaultArgv = found ? (manager?.installArgv ?? found.argv) : ["npm", "install"];
  const readOnly = manager?.readOnly ?? [];
  const custom = installCommand?.trim();
  const base = { manager: name, lockfile: found?.path ?? null, dir, readOnly };
  if (custom) return { ...base, command: { shell: custom }, label: custom };
  return { ...base, command: { argv: defaultArgv }, label: defaultArgv.join(" ") };
}

function findLockfile(appDir: string, repoDir: string) {
  let dir = appDir;
  for (;;) {
    for (const candidate of LOCKFILES) {
      const file = path.join(dir, candidate.file);
      if (existsSync(file)) return { ...candidate, path: file };
    }
    if (dir === repoDir || !dir.startsWith(`${repoDir}/`)) return null;
    dir = path.dirname(dir);
  }
}
