// Bundles the control plane's Lambda code into dist/lambda/<name>/index.mjs, the layout
// `slipway aws synth --bundles packages/aws-runtime/dist/lambda` takes (packages/aws/src/bundles.ts).
// ESM for the nodejs22.x runtime. The AWS SDK is bundled, not left to the runtime's copy: the
// functions then run the exact SDK version the adapters were tested with (3.984.0, pinned), not
// whichever version AWS ships in the runtime that week.
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
export const LAMBDA_DIST = join(here, "dist", "lambda");

/** The functions whose entries export a Lambda `handler` (src/lambda/entries/<name>.ts). */
export const HANDLER_BUNDLES = ["api", "steps", "outbox", "routes", "revalidator"];

const repo = join(here, "..", "..");
const builderPackage = join(repo, "packages", "builder");

// CodeBuild runs builder/index.mjs with `node index.mjs`. OpenNext runs as its own processes from
// its package folder, so it cannot be bundled: the launcher installs the pinned version beside
// itself (CodeBuild reaches the registry; the user's install needs it anyway), then runs the build.
const BUILDER_LAUNCHER = `// Slipway's builder on CodeBuild (written by packages/aws-runtime/build.mjs).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
if (!existsSync(join(here, "node_modules", "@opennextjs", "aws", "package.json"))) {
  // No install scripts: nothing from the registry runs here before the user's own build does.
  execFileSync("npm", ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock"], {
    cwd: here,
    stdio: ["ignore", "inherit", "inherit"],
  });
}
const { main } = await import("./lib/steps/builder.mjs");
process.exitCode = await main(here);
`;

/**
 * The builder bundle: the launcher, the pipeline bundled as lib/steps/builder.mjs (the depth the
 * builder package's own relative paths expect: ./next-build-in-sandbox.mjs, ./open-next/,
 * ../../toolchain/sharp/), the scripts those paths name, Slipway's OpenNext config with the core
 * sources it imports (runtime/opennext, core/src, as in the repository), and a package.json
 * pinning OpenNext as packages/builder does.
 */
async function buildBuilderBundle(outDir) {
  const dir = join(outDir, "builder");
  const steps = join(dir, "lib", "steps");
  await build({
    ...COMMON,
    entryPoints: [join(here, "src", "codebuild-runner", "main.ts")],
    outfile: join(steps, "builder.mjs"),
  });
  const noTests = (src) => !/\.test\.ts$|\/node_modules(\/|$)/.test(src);
  await cp(join(builderPackage, "src", "steps", "next-build-in-sandbox.mjs"), join(steps, "next-build-in-sandbox.mjs"));
  await cp(join(builderPackage, "src", "steps", "open-next"), join(steps, "open-next"), {
    recursive: true,
    filter: noTests,
  });
  await cp(join(builderPackage, "toolchain", "sharp"), join(dir, "toolchain", "sharp"), { recursive: true });
  await cp(join(repo, "packages", "runtime", "opennext"), join(dir, "runtime", "opennext"), {
    recursive: true,
    filter: noTests,
  });
  await cp(join(repo, "packages", "core", "src"), join(dir, "core", "src"), { recursive: true, filter: noTests });
  const { dependencies } = JSON.parse(await readFile(join(builderPackage, "package.json"), "utf8"));
  const manifest = {
    name: "slipway-codebuild-builder",
    private: true,
    type: "module",
    dependencies: { "@opennextjs/aws": dependencies["@opennextjs/aws"] },
  };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, "index.mjs"), BUILDER_LAUNCHER);
}

// CommonJS dependencies call require() and read __dirname: an ES module has neither.
const ESM_BANNER = {
  js: [
    'import { createRequire as __slipwayCreateRequire } from "node:module";',
    'import { fileURLToPath as __slipwayFileURLToPath } from "node:url";',
    "const require = __slipwayCreateRequire(import.meta.url);",
    "const __filename = __slipwayFileURLToPath(import.meta.url);",
    'const __dirname = __slipwayFileURLToPath(new URL(".", import.meta.url));',
  ].join("\n"),
};

const COMMON = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  banner: ESM_BANNER,
  minify: false,
  legalComments: "none",
  logLevel: "warning",
};

/** Builds every bundle into `outDir` (emptied first); returns each handler bundle's exports, per esbuild. */
export async function buildLambdaBundles(outDir = LAMBDA_DIST) {
  await rm(outDir, { recursive: true, force: true });
  const exports = {};
  for (const name of HANDLER_BUNDLES) {
    const outfile = join(outDir, name, "index.mjs");
    const result = await build({
      entryPoints: [join(here, "src", "lambda", "entries", `${name}.ts`)],
      ...COMMON,
      outfile,
      metafile: true,
    });
    exports[name] =
      result.metafile.outputs[Object.keys(result.metafile.outputs).find((f) => f.endsWith(".mjs"))]?.exports;
  }
  await buildBuilderBundle(outDir);
  // Inside the steps bundle, which runs the Deployer: its code asset then ships them (SITE_ENTRIES_FOLDER).
  await buildSiteEntries(join(outDir, "steps", "site-entries"));
  return exports;
}

/**
 * The sites' function entries (src/server-function/): self-contained files the AWS Deployer adds
 * beside OpenNext's index.mjs in each server function (`slipway-lambda.handler`) and image
 * function (`slipway-image-lambda.handler`) it publishes. They import `./index.mjs` at run time.
 */
export const SITE_ENTRIES = { "slipway-lambda.mjs": "entry.ts", "slipway-image-lambda.mjs": "image-entry.ts" };

export async function buildSiteEntries(outDir) {
  for (const [file, source] of Object.entries(SITE_ENTRIES)) {
    await build({
      entryPoints: [join(here, "src", "server-function", source)],
      outfile: join(outDir, file),
      ...COMMON,
      minify: true,
    });
  }
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const exports = await buildLambdaBundles(process.argv[2] ?? LAMBDA_DIST);
  for (const [name, names] of Object.entries(exports)) console.log(`${name}/index.mjs exports ${names.join(", ")}`);
}
