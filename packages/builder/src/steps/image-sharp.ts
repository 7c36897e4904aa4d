import { existsSync } from "node:fs";
import { cp, lstat, rm } from "node:fs/promises";
import path from "node:path";
import type { BuildContext } from "../context.ts";

/** OpenNext's image function folder inside `.open-next`; it `require`s sharp from its own node_modules. */
export const IMAGE_FUNCTION_DIR = "image-optimization-function";

/**
 * Puts the toolchain's sharp into the image function (OpenNext's own per-build `npm install
 * sharp` is switched off in the config). Runs on the host after the output check, so the folder
 * is the build's real one; whatever the build left in its node_modules is removed first (rm does
 * not follow links), so the copy never writes through anything the build made. Returns false when
 * the artifact has no image function.
 */
export async function addSharpToImageFunction(ctx: BuildContext, artifactRoot: string, sharpModules: string) {
  const functionDir = path.join(artifactRoot, IMAGE_FUNCTION_DIR);
  const stat = await lstat(functionDir).catch(() => null);
  if (!stat?.isDirectory()) return false;
  const target = path.join(functionDir, "node_modules");
  await rm(target, { recursive: true, force: true });
  await cp(sharpModules, target, {
    recursive: true,
    errorOnExist: true,
    force: false,
    // No `.bin` (nothing runs sharp's CLI) and no link rewritten to an absolute path into the
    // toolchain: the artifact must hold nothing that points outside it (the deployer refuses it).
    filter: (source) => path.basename(source) !== ".bin",
    verbatimSymlinks: true,
  });
  if (!existsSync(path.join(target, "sharp", "package.json"))) throw new Error("sharp copy is incomplete");
  ctx.log.system("✓ sharp added to the image function from the toolchain cache");
  return true;
}
