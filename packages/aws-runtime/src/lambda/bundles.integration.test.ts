import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script (it runs before any TypeScript is compiled), without types.
import { buildLambdaBundles, HANDLER_BUNDLES } from "../../build.mjs";

const run = promisify(execFile);
/** The real `slipway` binary (the integration project's global setup bundles it). */
const CLI = fileURLToPath(new URL("../../../../apps/cli/bin/slipway.js", import.meta.url));
const STEPS_ENV = {
  SLIPWAY_TABLE_NAME: "t",
  SLIPWAY_ARTIFACTS_BUCKET: "a",
  SLIPWAY_CACHES_BUCKET: "c",
  SLIPWAY_STEPS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/steps",
  SLIPWAY_KMS_KEY_ARN: "arn:aws:kms:us-east-1:123456789012:key/k",
  SLIPWAY_BUILD_PROJECT: "slipway-build",
};

let dir: string;
let exported: Record<string, string[]>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-lambda-"));
  exported = await buildLambdaBundles(dir);
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Loads a bundle in a fresh Node (outside the repo, so it finds no node_modules), as Lambda's runtime does, and runs `script`. */
async function inBundle(name: string, env: Record<string, string>, script: string) {
  const code = `const m = await import(${JSON.stringify(join(dir, name, "index.mjs"))});\n${script}`;
  return run(process.execPath, ["--input-type=module", "-e", code], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1", ...env },
  });
}

describe("the Lambda bundles", () => {
  it("each export `handler`, and `slipway aws synth --bundles` takes their directory", async () => {
    for (const name of HANDLER_BUNDLES as string[]) expect(exported[name]).toEqual(["handler"]);
    const out = join(dir, "cdk.out");
    const synth = await run(process.execPath, [CLI, "aws", "synth", "--bundles", dir, "--out", out], {
      env: { PATH: process.env.PATH ?? "", HOME: tmpdir() },
    });
    expect(synth.stderr).not.toContain("--bundles");
    const template = JSON.parse(await readFile(join(out, "Slipway.template.json"), "utf8"));
    const handlers = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { Handler?: string } }>,
    )
      .filter((r) => r.Type === "AWS::Lambda::Function")
      .map((r) => r.Properties.Handler);
    expect(handlers).toContain("index.handler");
  }, 120_000);

  it("run without the repository: the outbox relay and the steps handler answer events", async () => {
    const outbox = await inBundle(
      "outbox",
      { SLIPWAY_STEPS_QUEUE_URL: STEPS_ENV.SLIPWAY_STEPS_QUEUE_URL },
      "console.log(JSON.stringify(await m.handler({ Records: [] })));",
    );
    expect(JSON.parse(outbox.stdout)).toEqual({ relayed: 0 });
    const steps = await inBundle(
      "steps",
      STEPS_ENV,
      'console.log(JSON.stringify(await m.handler({ Records: [{ messageId: "m1", body: "not json" }] })));',
    );
    expect(JSON.parse(steps.stdout.trim().split("\n").at(-1) ?? "")).toEqual({ batchItemFailures: [] });
    const routes = await inBundle(
      "routes",
      {
        SLIPWAY_EDGE_ROUTES_KVS_ARN:
          "arn:aws:cloudfront::123456789012:key-value-store/0f8e6a3c-0000-4000-8000-000000000000",
        SLIPWAY_TABLE_NAME: "slipway",
      },
      "console.log(JSON.stringify(await m.handler({ Records: [] })));",
    );
    expect(JSON.parse(routes.stdout)).toEqual({ relayed: 0, refused: 0 });
  });

  it("fail their cold start naming a missing variable", async () => {
    const api = inBundle("api", {}, "");
    await expect(api).rejects.toThrow("SLIPWAY_TABLE_NAME");
    await expect(inBundle("routes", {}, "")).rejects.toThrow("SLIPWAY_EDGE_ROUTES_KVS_ARN");
  });

  it("lay the builder out as CodeBuild runs it: launcher, pipeline, its scripts, the OpenNext config, OpenNext pinned", async () => {
    const builder = join(dir, "builder");
    for (const file of [
      "index.mjs",
      "lib/steps/builder.mjs",
      "lib/steps/next-build-in-sandbox.mjs",
      "lib/steps/open-next/run-in-sandbox.mjs",
      "toolchain/sharp/package-lock.json",
      "runtime/opennext/open-next.config.ts",
      "core/src/runtime-contract.ts",
    ]) {
      await expect(readFile(join(builder, file), "utf8"), file).resolves.toBeTruthy();
    }
    const manifest = JSON.parse(await readFile(join(builder, "package.json"), "utf8"));
    expect(manifest.dependencies).toEqual({ "@opennextjs/aws": "4.1.16" });
    // The real run (install, build, upload): codebuild-runner/builder-bundle.integration.test.ts.
  });
});
