import { copyFile, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hostCommand } from "./host-command.ts";
import { installOnce } from "./install-once.ts";
import type { NodeRuntime } from "./node-toolchain.ts";

/** package.json + package-lock.json (every tarball's integrity) of what the image function needs. */
const LOCK_DIR = fileURLToPath(new URL("../../toolchain/sharp/", import.meta.url));

/**
 * sharp for linux x64 (glibc), installed once into `<toolchainDir>/sharp-<version>-linux-x64/`
 * and copied into every image function from there: a build never runs `npm install sharp`, so
 * image optimization works offline once the toolchain holds it. `npm ci` installs exactly the
 * lockfile's tarballs (integrity checked) without install scripts; the install counts only when
 * `node` can load it and resize with it. Returns the `node_modules` folder to copy.
 */
export async function ensureSharp(
  toolchainDir: string,
  node: NodeRuntime,
  env: Record<string, string>,
): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(LOCK_DIR, "package.json"), "utf8")) as {
    dependencies: { sharp: string };
  };
  const version = manifest.dependencies.sharp;
  const target = path.join(toolchainDir, `sharp-${version}-linux-x64`);
  await installOnce(target, async (staging) => {
    // Its own package.json: npm must not walk up into whatever folder holds the data dir.
    await copyFile(path.join(LOCK_DIR, "package.json"), path.join(staging, "package.json"));
    await copyFile(path.join(LOCK_DIR, "package-lock.json"), path.join(staging, "package-lock.json"));
    await hostCommand(
      [
        "npm",
        "ci",
        "--os=linux",
        "--cpu=x64",
        "--libc=glibc",
        "--ignore-scripts",
        "--no-bin-links",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
      ],
      { cwd: staging, env: { ...env, SHARP_IGNORE_GLOBAL_LIBVIPS: "1" } },
    );
    const probe =
      "require('sharp')({create:{width:4,height:2,channels:3,background:'#fff'}}).resize(2).png().toBuffer()" +
      ".then(b=>process.stdout.write(String(b.length)))";
    await hostCommand([node.bin, "-e", probe], { cwd: staging, env: { ...env, SHARP_IGNORE_GLOBAL_LIBVIPS: "1" } });
  });
  return path.join(target, "node_modules");
}
