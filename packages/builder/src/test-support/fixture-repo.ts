import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(fileURLToPath(import.meta.url), "../../../../..");
export const FIXTURES = path.join(REPO_ROOT, "fixtures");

const SKIP = new Set(["node_modules", ".next", ".open-next", "next-env.d.ts"]);

/**
 * Pushes a fixture app into a fresh bare repository (as a git host would hold it) and returns the
 * repository path and the commit sha. Local `node_modules` never leak in: the builder must install.
 */
export function fixtureRepo(fixture: string, dir: string): { repoUrl: string; sha: string } {
  const work = path.join(dir, `${fixture}-work`);
  cpSync(path.join(FIXTURES, fixture), work, { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) });
  return pushRepo(work, path.join(dir, `${fixture}.git`), dir);
}

/** A repository holding just `files` (path → content), for builds that never reach next build. */
export function repoWith(name: string, files: Record<string, string>, dir: string): { repoUrl: string; sha: string } {
  const work = path.join(dir, `${name}-work`);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    writeFileSync(path.join(work, file), content);
  }
  return pushRepo(work, path.join(dir, `${name}.git`), dir);
}

function pushRepo(work: string, bare: string, dir: string): { repoUrl: string; sha: string } {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Slipway Test", "-c", "user.email=test@slipway.invalid", ...args], {
      cwd,
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dir, GIT_CONFIG_NOSYSTEM: "1" },
      encoding: "utf8",
    }).trim();
  git(work, "init", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", `fixture ${path.basename(work)}`);
  git(dir, "init", "-q", "--bare", bare);
  git(work, "push", "-q", bare, "main");
  return { repoUrl: bare, sha: git(work, "rev-parse", "HEAD") };
}

/**
 * The OpenNext config the builder is given: the runtime's real one when it exists (it imports
 * core's runtime contract, so that folder must be visible in the sandbox), else a minimal local
 * one written to `dir` with the x64 sharp settings FACTS.md calls for.
 */
export function openNextConfig(dir: string): { openNextConfigPath: string; readOnlyPaths: string[] } {
  const real = path.join(REPO_ROOT, "packages/runtime/opennext/open-next.config.ts");
  if (existsSync(real)) return { openNextConfigPath: real, readOnlyPaths: [path.join(REPO_ROOT, "packages/core/src")] };
  const own = path.join(dir, "opennext", "open-next.config.ts");
  mkdirSync(path.dirname(own), { recursive: true });
  writeFileSync(
    own,
    `export default {
  default: { override: { wrapper: "aws-lambda-streaming", converter: "aws-apigw-v2" } },
  imageOptimization: {
    install: { packages: ["sharp@0.35.5"], arch: "x64", os: "linux", libc: "glibc", additionalArgs: "--prefer-offline" },
  },
};
`,
  );
  return { openNextConfigPath: own, readOnlyPaths: [] };
}
