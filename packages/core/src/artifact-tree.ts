import type { Stats } from "node:fs";
import { lstat, readdir, readlink, realpath } from "node:fs/promises";
import path from "node:path";

/**
 * The rules a build artifact's files obey, checked by the builder before the host touches the
 * build output and by the deployer after unpacking (defence in depth: a tar may come from a blob
 * store someone else wrote). Everything is examined with lstat; nothing the tree holds is followed
 * except to check where a permitted link leads.
 *
 * A symlink is kept only where `linksAllowed` says so (OpenNext copies pnpm's and workspaces'
 * node_modules links into function bundles verbatim), and only when it is relative, stays inside
 * `boundary` as written, reaches its target's folder without passing through another link (so it
 * resolves the same wherever the tree is unpacked), and resolves on disk to something inside
 * `boundary`. Dangling links, loops and chains that step out and back are refused. FIFOs,
 * sockets and devices are refused everywhere.
 *
 * Hard links are not refused: inside the build sandbox link(2) cannot cross a mount, so a file
 * in the output can only share its inode with files the build could already read and write.
 * The host's defence is never writing into an existing inode (see `writeFresh` in the builder).
 */
export interface TreeRules {
  /** Which links may stay, by path relative to the root (posix separators). Default: none. */
  linksAllowed?: (relativePath: string) => boolean;
  /** The folder permitted links must stay in (default: the root itself). */
  boundary?: string;
  /** Stop after this many problems (default 20): the first one is the reason, the rest go to the log. */
  maxProblems?: number;
}

export type TreeProblem =
  | { kind: "symlink"; path: string; target: string; why: LinkProblem }
  | { kind: "special"; path: string; type: string }
  | { kind: "root"; path: string; why: string };

export type LinkProblem = "not-allowed" | "absolute" | "outside" | "through-link" | "dangling" | "resolves-outside";

const MAX_DEPTH = 64;

/**
 * Where a link may stay in a build artifact (the `.open-next` folder): below a `node_modules`
 * folder of a function bundle, which is where OpenNext recreates the links of pnpm's layout and of
 * workspace packages. Assets, the ISR cache, OpenNext's output file and our manifest never hold one.
 */
export function artifactLinksAllowed(relativePath: string): boolean {
  const segments = relativePath.split("/");
  return segments[0] !== "assets" && segments[0] !== "cache" && segments.slice(1, -1).includes("node_modules");
}

/** Returns every problem found (up to `maxProblems`); an empty list means the tree is clean. */
export async function checkArtifactTree(root: string, rules: TreeRules = {}): Promise<TreeProblem[]> {
  const problems: TreeProblem[] = [];
  const max = rules.maxProblems ?? 20;
  const rootStat = await lstat(root).catch(() => null);
  if (!rootStat?.isDirectory()) {
    return [{ kind: "root", path: ".", why: rootStat?.isSymbolicLink() ? "is a symlink" : "is not a folder" }];
  }
  const realRoot = await realpath(root);
  const boundary = rules.boundary ? await realpath(rules.boundary) : realRoot;
  const linksAllowed = rules.linksAllowed ?? (() => false);

  const walk = async (dir: string, relative: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) {
      problems.push({ kind: "root", path: relative, why: `is nested more than ${MAX_DEPTH} folders deep` });
      return;
    }
    const names = (await readdir(dir)).sort();
    // One folder's lstats at once (a node_modules tree has ~10k entries); findings stay in order.
    const stats = await Promise.all(names.map((name) => lstat(path.join(dir, name))));
    for (const [index, name] of names.entries()) {
      if (problems.length >= max) return;
      const full = path.join(dir, name);
      const rel = relative === "" ? name : `${relative}/${name}`;
      const stat = stats[index] as Stats;
      if (stat.isDirectory()) await walk(full, rel, depth + 1);
      else if (stat.isFile()) continue;
      else if (stat.isSymbolicLink()) {
        const target = await readlink(full);
        const why = linksAllowed(rel) ? await linkProblem(full, target, boundary) : "not-allowed";
        if (why) problems.push({ kind: "symlink", path: rel, target, why });
      } else problems.push({ kind: "special", path: rel, type: typeOf(stat) });
    }
  };
  await walk(realRoot, "", 0);
  return problems;
}

async function linkProblem(link: string, target: string, boundary: string): Promise<LinkProblem | null> {
  if (path.isAbsolute(target)) return "absolute";
  // Step by step as the kernel would, never above the boundary, and through no other link: then
  // the text means the same wherever the tree is unpacked (the link's own folder is real: the
  // walk never follows links). Only the last step may be a link, checked on its own.
  const steps = target.split("/").filter((step) => step !== "" && step !== ".");
  let at = path.dirname(link);
  for (const [index, step] of steps.entries()) {
    at = step === ".." ? path.dirname(at) : path.join(at, step);
    if (!isInsideDir(boundary, at)) return "outside";
    if (index < steps.length - 1 && (await lstat(at).catch(() => null))?.isSymbolicLink()) return "through-link";
  }
  const resolved = await realpath(link).catch(() => null);
  if (resolved === null) return "dangling";
  if (!isInsideDir(boundary, resolved)) return "resolves-outside";
  return null;
}

const LINK_PROBLEMS: Record<LinkProblem, (subject: string) => string> = {
  "not-allowed": (subject) => `links are not allowed in ${subject}`,
  absolute: () => "absolute links are not allowed",
  outside: (subject) => `it points outside the ${subject}`,
  "through-link": () => "it passes through another link",
  dangling: () => "it dangles or loops",
  "resolves-outside": (subject) => `it resolves outside the ${subject}`,
};

function typeOf(stat: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean }): string {
  if (stat.isFIFO()) return "FIFO";
  if (stat.isSocket()) return "socket";
  return stat.isCharacterDevice() ? "character device" : "block device";
}

/** Whether `child` (absolute, normalized) is `root` or below it. */
export function isInsideDir(root: string, child: string): boolean {
  return child === root || child.startsWith(root.endsWith("/") ? root : `${root}/`);
}

/**
 * One sentence per problem, for build logs and failure reasons: `subject` names the tree ("build
 * output"), `prefix` its root folder (".open-next"), so the path reads as the user knows it.
 */
export function describeTreeProblem(problem: TreeProblem, subject: string, prefix: string): string {
  const where = problem.path === "." ? prefix : `${prefix}/${problem.path}`;
  switch (problem.kind) {
    case "symlink":
      return `${subject} contains a symlink ${where} -> ${problem.target}; ${LINK_PROBLEMS[problem.why](subject)}`;
    case "special":
      return `${subject} contains a ${problem.type} ${where}; only files, folders and links are allowed`;
    case "root":
      return `${subject} folder ${where} ${problem.why}`;
  }
}
