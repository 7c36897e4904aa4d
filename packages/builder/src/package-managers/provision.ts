import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { SlipwayError } from "@slipway/core";
import { BuildFailure } from "../failure.ts";
import type { ToolPackage } from "./types.ts";

const exec = promisify(execFile);

/** The platform's own npm, next to the Node it runs on. */
const NPM_CLI = path.join(
  path.dirname(path.dirname(process.execPath)),
  "lib",
  "node_modules",
  "npm",
  "bin",
  "npm-cli.js",
);

export interface ProvisionedTool {
  /** The tool's folder, bound read-only into the sandbox. */
  dir: string;
  /** Its commands, for the sandbox's PATH. */
  binDir: string;
  /** False when this call fetched it. */
  cached: boolean;
}

export interface ProvisionOptions {
  /** `<cacheDir>/.package-managers`: shared by all projects, written only by the host. */
  storeDir: string;
  /** Env for the host's `npm pack` (proxy, CA, registry); nothing else of the platform's env. */
  npmEnv: Record<string, string>;
  integrity: { algorithm: string; hex: string } | null;
  signal?: AbortSignal;
}

/**
 * A package manager from the npm registry, fetched once per name@version by the host's npm (which
 * checks the registry's integrity; a corepack hash in `packageManager` is checked on top) and kept
 * in the data dir. Nothing of it is ever written by a build: the sandbox only gets it read-only,
 * so one project cannot hand another a patched pnpm.
 */
export async function provisionTool(tool: ToolPackage, options: ProvisionOptions): Promise<ProvisionedTool> {
  const dir = path.join(options.storeDir, `${tool.name.replace("/", "+")}@${tool.version}`);
  const binDir = path.join(dir, "bin");
  // The marker is written before the folder is renamed into place: a folder with it is complete.
  if (existsSync(path.join(dir, ".complete"))) return { dir, binDir, cached: true };

  await mkdir(options.storeDir, { recursive: true });
  const staging = await mkdtemp(path.join(options.storeDir, ".staging-"));
  try {
    const tarball = await npmPack(`${tool.name}@${tool.version}`, staging, options);
    if (options.integrity) await checkIntegrity(tarball, tool, options.integrity);
    await exec("tar", ["-xzf", tarball, "-C", staging, "--no-same-owner", "--no-same-permissions"], {
      env: { PATH: "/usr/bin:/bin" },
    });
    await rm(tarball);
    await writeBins(path.join(staging, "bin"), path.join(dir, "package"), tool);
    await writeFile(path.join(staging, ".complete"), `${tool.name}@${tool.version}\n`);
    try {
      await rename(staging, dir);
    } catch (error) {
      // A concurrent build fetched the same version first: theirs is as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || !existsSync(path.join(dir, ".complete"))) throw error;
    }
    return { dir, binDir, cached: false };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function npmPack(spec: string, into: string, options: ProvisionOptions): Promise<string> {
  try {
    await exec(process.execPath, [NPM_CLI, "pack", spec, "--pack-destination", into, "--ignore-scripts", "--silent"], {
      cwd: into,
      env: { ...options.npmEnv, npm_config_cache: path.join(options.storeDir, ".npm-cache") },
      signal: options.signal,
      maxBuffer: 1024 * 1024,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    const detail = stderr.split("\n").find((line) => /ERR!|error/i.test(line)) ?? (error as Error).message;
    // The build's failure, not the platform's: a version that does not exist, or a registry down.
    throw new BuildFailure(`could not fetch ${spec} from the npm registry: ${detail.slice(0, 300)}`);
  }
  const [tarball] = (await readdir(into)).filter((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack ${spec} wrote no tarball`);
  return path.join(into, tarball);
}

async function checkIntegrity(tarball: string, tool: ToolPackage, expected: { algorithm: string; hex: string }) {
  const hash = createHash(expected.algorithm);
  for await (const chunk of createReadStream(tarball)) hash.update(chunk as Buffer);
  const actual = hash.digest("hex");
  if (actual !== expected.hex) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${tool.name}@${tool.version} from the registry has ${expected.algorithm} ${actual}, not the ${expected.hex} that "packageManager" names`,
      "Regenerate the field with `corepack use <manager>@<version>`, or drop its +hash part.",
    );
  }
}

/**
 * The commands, as the sandbox sees them. A script runs with whatever `node` is first on the
 * sandbox's PATH (the Node the project builds with), never the platform's process.execPath.
 */
async function writeBins(binDir: string, packageDir: string, tool: ToolPackage): Promise<void> {
  await mkdir(binDir);
  for (const [name, bin] of Object.entries(tool.bins)) {
    const shim = path.join(binDir, name);
    if ("binary" in bin) {
      await chmod(path.join(path.dirname(binDir), "package", bin.binary), 0o755);
      await symlink(path.join("..", "package", bin.binary), shim);
    } else {
      await writeFile(shim, `#!/bin/sh\nexec node ${shellQuote(path.join(packageDir, bin.script))} "$@"\n`, {
        mode: 0o755,
      });
    }
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
