import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { NodeVersion } from "@slipway/core";
import { hostCommand } from "./host-command.ts";
import { installOnce } from "./install-once.ts";
import { NODE_PACKAGE, NODE_RELEASES } from "./node-releases.ts";

/** A Node.js install in the toolchain folder. */
export interface NodeRuntime {
  /** Major version as projects name it ("22"). */
  major: NodeVersion;
  /** Exact release ("22.23.5"). */
  version: string;
  /** `<prefix>/bin/node`. */
  bin: string;
  /** The install's root, bound read-only into sandboxes. */
  prefix: string;
}

/**
 * Installs the pinned release of `major` into `<toolchainDir>/node-<version>/` on first use and
 * returns it: `npm pack` fetches the official binary package through the platform's npm (its
 * registry settings, proxy and cache), the tarball's sha512 must equal the pinned one before it
 * is unpacked, and the unpacked binary must report its own version.
 */
export async function ensureNode(
  toolchainDir: string,
  major: NodeVersion,
  env: Record<string, string>,
): Promise<NodeRuntime> {
  const release = NODE_RELEASES[major];
  const prefix = path.join(toolchainDir, `node-${release.version}`);
  const bin = path.join(prefix, "bin", "node");
  await installOnce(prefix, async (staging) => {
    const packed = await hostCommand(
      [
        "npm",
        "pack",
        `${NODE_PACKAGE}@${release.version}`,
        "--pack-destination",
        staging,
        "--json",
        "--ignore-scripts",
      ],
      { cwd: staging, env },
    );
    const tarball = path.join(staging, tarballName(packed));
    const actual = `sha512-${await sha512(tarball)}`;
    if (actual !== release.integrity) {
      throw new Error(`${NODE_PACKAGE}@${release.version}: integrity ${actual} is not the pinned ${release.integrity}`);
    }
    // Only the binary and its licence: the package's headers and docs are not needed to run.
    await hostCommand(
      ["tar", "-xzf", tarball, "-C", staging, "--strip-components=1", "package/bin/node", "package/LICENSE"],
      {
        cwd: staging,
        env,
      },
    );
    await rm(tarball);
    const reported = (
      await hostCommand([path.join(staging, "bin", "node"), "--version"], { cwd: staging, env })
    ).trim();
    if (reported !== `v${release.version}`) throw new Error(`${NODE_PACKAGE}@${release.version} reports ${reported}`);
  });
  return { major, version: release.version, bin, prefix };
}

function tarballName(packJson: string): string {
  const parsed = JSON.parse(packJson) as Array<{ filename?: unknown }>;
  const name = parsed[0]?.filename;
  // npm names the file itself; anything with a folder in it is not what we asked for.
  if (typeof name !== "string" || name.includes("/")) throw new Error(`npm pack: unexpected output ${packJson}`);
  return name;
}

function sha512(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha512");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("base64")));
  });
}
