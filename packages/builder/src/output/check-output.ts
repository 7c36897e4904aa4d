import { realpath } from "node:fs/promises";
import path from "node:path";
import { artifactLinksAllowed, checkArtifactTree, describeTreeProblem, type TreeProblem } from "@slipway/core";
import { BuildFailure } from "../failure.ts";
import type { BuildLog } from "../log/build-log.ts";

/**
 * The gate between the sandbox and every host-side step after it (manifest, precompress, tar,
 * cache save): the build's output folder must be the real folder where we expect it (the build
 * could have replaced the checkout, the app folder or `.open-next` with a link) and hold only
 * files, folders and links that stay inside it. Any other finding fails the build, naming the path.
 */
export async function checkBuildOutput(log: BuildLog, appDir: string, artifactRoot: string): Promise<void> {
  const label = path.relative(appDir, artifactRoot);
  const problems = await checkOutputTree(artifactRoot);
  if (problems.length === 0) return;
  const lines = problems.map((problem) => describeTreeProblem(problem, "build output", label));
  for (const line of lines.slice(1)) log.system(`  also: ${line}`);
  throw new BuildFailure(lines[0] as string);
}

async function checkOutputTree(artifactRoot: string): Promise<TreeProblem[]> {
  const real = await realpath(artifactRoot).catch(() => null);
  if (real === null) return [{ kind: "root", path: ".", why: "is missing" }];
  if (real !== artifactRoot) return [{ kind: "root", path: ".", why: "is reached through a symlink" }];
  return checkArtifactTree(artifactRoot, { linksAllowed: artifactLinksAllowed });
}
