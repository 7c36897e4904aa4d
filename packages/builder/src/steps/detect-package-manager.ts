import { existsSync } from "node:fs";
import path from "node:path";

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

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
export function planInstall(appDir: string, repoDir: string, installCommand: string | null): InstallPlan {
  const found = findLockfile(appDir, repoDir);
  const dir = found ? path.dirname(found.path) : appDir;
  const manager = found?.manager ?? "npm";
  const defaultArgv = found?.argv ?? ["npm", "install"];
  const custom = installCommand?.trim();
  if (custom) return { manager, lockfile: found?.path ?? null, dir, command: { shell: custom }, label: custom };
  return { manager, lockfile: found?.path ?? null, dir, command: { argv: defaultArgv }, label: defaultArgv.join(" ") };
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
