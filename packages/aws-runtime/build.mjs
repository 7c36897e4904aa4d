// Bundles the control plane's Lambda code into dist/lambda/<name>/index.mjs, the layout
// `slipway aws synth --bundles packages/aws-runtime/dist/lambda` takes (packages/aws/src/bundles.ts).
// ESM for the nodejs22.x runtime. The AWS SDK is bundled, not left to the runtime's copy: the
// functions then run the exact SDK version the adapters were tested with (3.984.0, pinned), not
// whichever version AWS ships in the runtime that week.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
export const LAMBDA_DIST = join(here, "dist", "lambda");

/** The functions whose entries export a Lambda `handler` (src/lambda/entries/<name>.ts). */
export const HANDLER_BUNDLES = ["api", "steps", "outbox", "revalidator"];

// CodeBuild runs builder/index.mjs with `node index.mjs`. The build steps there do not exist yet,
// so this entry refuses to run and says so, rather than a build that seems to start and never ends.
const BUILDER_NOT_BUILT = `console.error(${JSON.stringify(
  "Slipway: the CodeBuild builder entry is not built yet (packages/aws-runtime has no builder bundle); builds on AWS fail until it exists.",
)});\nprocess.exit(1);\n`;

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

/** Builds every bundle into `outDir` (emptied first); returns each handler bundle's exports, per esbuild. */
export async function buildLambdaBundles(outDir = LAMBDA_DIST) {
  await rm(outDir, { recursive: true, force: true });
  const exports = {};
  for (const name of HANDLER_BUNDLES) {
    const outfile = join(outDir, name, "index.mjs");
    const result = await build({
      entryPoints: [join(here, "src", "lambda", "entries", `${name}.ts`)],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      banner: ESM_BANNER,
      minify: false,
      legalComments: "none",
      metafile: true,
      logLevel: "warning",
    });
    exports[name] =
      result.metafile.outputs[Object.keys(result.metafile.outputs).find((f) => f.endsWith(".mjs"))]?.exports;
  }
  await buildSiteEntries(join(outDir, "site-entries"));
  await mkdir(join(outDir, "builder"), { recursive: true });
  await writeFile(join(outDir, "builder", "index.mjs"), BUILDER_NOT_BUILT);
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
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      banner: ESM_BANNER,
      minify: true,
      legalComments: "none",
      logLevel: "warning",
    });
  }
  return outDir;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const exports = await buildLambdaBundles(process.argv[2] ?? LAMBDA_DIST);
  for (const [name, names] of Object.entries(exports)) console.log(`${name}/index.mjs exports ${names.join(", ")}`);
}
