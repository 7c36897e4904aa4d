import { lstatSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { IMAGE_ENTRY_FILE, SERVER_ENTRY_FILE, SITE_ENTRIES_FOLDER } from "@slipway/aws-runtime/entry-env";
import { SlipwayError } from "@slipway/core/errors";
import { BUNDLE_NAMES, type BundleName } from "./config.ts";

/** Where `npm run build:lambda -w packages/aws-runtime` writes the bundles, in this repository. */
export const DEFAULT_BUNDLES_DIR = fileURLToPath(new URL("../../aws-runtime/dist/lambda", import.meta.url));

/** Where each bundle's directory is, checked to hold a regular `index.mjs`. */
export type BundleDirs = Record<BundleName, string>;

/**
 * The files each bundle must hold. The steps function runs the Deployer, which copies the sites'
 * Lambda entries from its own bundle into every function it publishes.
 */
const SITE_ENTRY_PATHS = [SERVER_ENTRY_FILE, IMAGE_ENTRY_FILE].map((file) => `${SITE_ENTRIES_FOLDER}/${file}`);
const REQUIRED_FILES: Record<BundleName, string[]> = {
  api: ["index.mjs"],
  steps: ["index.mjs", ...SITE_ENTRY_PATHS],
  outbox: ["index.mjs"],
  routes: ["index.mjs"],
  revalidator: ["index.mjs"],
  builder: ["index.mjs"],
};

/**
 * The bundle directories under `dir` (as packages/aws-runtime builds them), each checked before
 * the synth copies it into the cloud assembly, so a missing bundle is named now and not found at
 * the first invoke.
 */
export function bundleDirsIn(dir: string): BundleDirs {
  const dirs = {} as BundleDirs;
  const needed = BUNDLE_NAMES.flatMap((n) => REQUIRED_FILES[n].map((file) => `${n}/${file}`));
  for (const name of BUNDLE_NAMES) {
    for (const file of REQUIRED_FILES[name]) {
      const stat = lstatSync(join(dir, name, file), { throwIfNoEntry: false });
      if (!stat?.isFile()) {
        throw new SlipwayError(
          "INVALID_CONFIG",
          `The bundles directory ${dir} has no ${name}/${file}.`,
          `It needs ${needed.join(", ")}: build them with the aws-runtime package.`,
        );
      }
    }
    dirs[name] = join(dir, name);
  }
  return dirs;
}

const UNBUNDLED_MESSAGE =
  "Slipway: this stack was synthesized without its code bundles (slipway aws synth --bundles DIR). " +
  "Synthesize again with the bundles the aws-runtime package builds, then deploy.";

/**
 * Entries for a synth without bundles (templates to read, diff or test offline): each refuses to
 * run with a message that says what is missing, so a stack deployed from them fails loudly at its
 * first invoke or build instead of half working. `slipway aws deploy` requires real bundles.
 */
export function writeUnbundledEntries(dir: string): BundleDirs {
  const handler = `export async function handler() {\n  throw new Error(${JSON.stringify(UNBUNDLED_MESSAGE)});\n}\n`;
  const builder = `console.error(${JSON.stringify(UNBUNDLED_MESSAGE)});\nprocess.exit(1);\n`;
  const dirs = {} as BundleDirs;
  for (const name of BUNDLE_NAMES) {
    dirs[name] = join(dir, name);
    for (const file of REQUIRED_FILES[name]) {
      mkdirSync(dirname(join(dirs[name], file)), { recursive: true });
      writeFileSync(join(dirs[name], file), name === "builder" ? builder : handler);
    }
  }
  return dirs;
}
