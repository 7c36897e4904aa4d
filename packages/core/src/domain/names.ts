import { createHash } from "node:crypto";
import { ID_LENGTH } from "./ids.ts";

/** DNS allows 63 characters per label; project names leave room for `-<deployment id>` and `-git-<branch>`. */
export const DNS_LABEL_MAX = 63;
export const PROJECT_NAME_MAX = 40;
const PROJECT_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Returns a reason when `name` cannot be a project name, null when it can. */
export function projectNameProblem(name: string): string | null {
  if (name.length === 0) return "it is empty";
  if (name.length > PROJECT_NAME_MAX) return `it is ${name.length} characters long; the limit is ${PROJECT_NAME_MAX}`;
  if (!PROJECT_NAME.test(name)) return "only lowercase letters, digits and inner hyphens are allowed";
  if (name.includes("--")) return "two hyphens in a row are reserved";
  return null;
}

/**
 * `feature/Blue_Sky` → `feature-blue-sky`. Runs of characters outside a-z0-9 become one hyphen,
 * the ends are trimmed; a slug that would overflow the label is cut and given a hash suffix so two
 * long branches that share a prefix stay distinct.
 */
export function branchSlug(branch: string, maxLength: number): string {
  const slug = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxLength) return slug || hash(branch);
  const suffix = hash(branch);
  const head = slug.slice(0, maxLength - suffix.length - 1).replace(/-+$/, "");
  return `${head}-${suffix}`;
}

function hash(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 6);
}

export function deploymentHostLabel(projectName: string, deploymentId: string): string {
  return `${projectName}-${deploymentId}`;
}

export function branchHostLabel(projectName: string, branch: string): string {
  const prefix = `${projectName}-git-`;
  return prefix + branchSlug(branch, DNS_LABEL_MAX - prefix.length);
}

const DEPLOYMENT_SUFFIX = new RegExp(`^-[a-z0-9]{${ID_LENGTH}}$`);

/**
 * Why two distinct project names could produce the same hostname, or null when they never can.
 * A project's labels are `<name>`, `<name>-<deployment id>` (ID_LENGTH base36 characters) and
 * `<name>-git-<branch slug>` (any slug). Names hold no `--`, ids hold no hyphen, so a label of
 * one equals a label of the other only when the longer name is `<shorter>-<id-shaped word>`,
 * `<shorter>-git` or starts with `<shorter>-git-`. Checked both ways round.
 */
export function hostnameCollision(a: string, b: string): string | null {
  if (a === b) return null;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.startsWith(`${short}-git-`)) {
    const branch = long.slice(short.length + "-git-".length);
    return `"${long}" is also the branch URL of "${short}" for a branch named ${branch}`;
  }
  if (long === `${short}-git`) {
    return `"${long}-<deployment id>" is also the branch URL of "${short}" for a branch named like a deployment id`;
  }
  if (DEPLOYMENT_SUFFIX.test(long.slice(short.length)) && long.startsWith(short)) {
    return `"${long}" is also the URL of a deployment of "${short}" with id ${long.slice(short.length + 1)}`;
  }
  return null;
}
