import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  BatchGetBuildsCommand,
  type Build,
  CodeBuildClient,
  type EnvironmentVariable,
  StartBuildCommand,
} from "@aws-sdk/client-codebuild";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { fixtureRepo, repoWith } from "@slipway/builder/test-support";
import {
  artifactLinksAllowed,
  type BuildRequest,
  checkArtifactTree,
  MANIFEST_FILE,
  parseManifest,
} from "@slipway/core";
import { mockClient } from "aws-sdk-client-mock";
import { extract } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script (it runs before any TypeScript is compiled), without types.
import { buildLambdaBundles } from "../../build.mjs";
import { BUILD_VARIABLES, buildCacheKey } from "../codebuild/build-variables.ts";
import { createCodeBuildBuilder } from "../codebuild/builder.ts";
import { createS3BlobStore } from "../s3/blob-store.ts";
import { createS3Presigner } from "../s3/presigner.ts";
import { type S3rver, startS3rver } from "../test-support/s3rver.ts";
import { parseLogLine } from "./log-lines.ts";

// The real builder bundle run as CodeBuild runs it (`node index.mjs` in the bundle's folder, with
// the start step's variables and CODEBUILD_*), against s3rver behind the presigned URLs, on the
// shared fixture app: ONE real build (next build + OpenNext), plus a repository that fails early.
// A cold CodeBuild-like run installs OpenNext beside the bundle, the project's Node and sharp
// into the toolchain, then builds: minutes on a busy two-core box.
const BUILD_TIMEOUT = 1_200_000;
const SECRET = "s3cret-codebuild-value-42";

let dir: string;
let bundle: string;
let s3: S3rver;
const started: EnvironmentVariable[][] = [];
const codebuild = mockClient(CodeBuildClient);
const builds = new Map<string, Build>();
codebuild.on(StartBuildCommand).callsFake((input) => {
  const id = `slipway-build:${crypto.randomUUID()}`;
  started.push(input.environmentVariablesOverride ?? []);
  const build: Build = {
    id,
    buildStatus: "IN_PROGRESS",
    environment: {
      type: "LINUX_CONTAINER",
      image: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
      computeType: "BUILD_GENERAL1_MEDIUM",
      environmentVariables: input.environmentVariablesOverride,
    },
  };
  builds.set(id, build);
  return { build };
});
codebuild.on(BatchGetBuildsCommand).callsFake((input) => ({
  builds: (input.ids ?? []).flatMap((id: string) => (builds.has(id) ? [structuredClone(builds.get(id) as Build)] : [])),
}));

let builder: ReturnType<typeof createCodeBuildBuilder>;
let artifacts: ReturnType<typeof createS3BlobStore>;
let caches: ReturnType<typeof createS3BlobStore>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "slipway-codebuild-it-"));
  s3 = await startS3rver();
  const client = new S3Client(s3.client);
  for (const Bucket of ["artifacts", "caches"]) await client.send(new CreateBucketCommand({ Bucket }));
  artifacts = createS3BlobStore({ bucket: "artifacts", client: s3.client });
  caches = createS3BlobStore({ bucket: "caches", client: s3.client });
  builder = createCodeBuildBuilder({
    projectName: "slipway-build",
    client: { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } },
    requests: artifacts,
    presign: {
      requests: createS3Presigner({ bucket: "artifacts", client: s3.client }),
      caches: createS3Presigner({ bucket: "caches", client: s3.client }),
    },
  });
  // Built outside the repository, as `slipway aws synth --bundles` uploads it: nothing of the
  // repository's node_modules is reachable from there.
  await buildLambdaBundles(path.join(dir, "dist"));
  bundle = path.join(dir, "dist", "builder");
}, 120_000);

afterAll(async () => {
  codebuild.restore();
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

function request(
  overrides: Partial<BuildRequest> & Pick<BuildRequest, "deploymentId" | "repoUrl" | "sha">,
): BuildRequest {
  return {
    projectId: "prj_next",
    repoCredential: null,
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    nodeVersion: "22",
    env: {},
    mask: [],
    ...overrides,
  };
}

/** Starts the build through the real start step, then runs the bundle with what CodeBuild would be given. */
async function runInCodeBuild(input: BuildRequest) {
  const handle = await builder.start(input);
  const overrides = started.at(-1) ?? [];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? dir,
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
    CODEBUILD_BUILD_ID: handle,
    CODEBUILD_SRC_DIR: bundle,
    CODEBUILD_BUILD_IMAGE: "aws/codebuild/amazonlinux-x86_64-standard:5.0",
    // One scratch root for both builds: the toolchain (the project's Node) is fetched once.
    SLIPWAY_BUILD_ROOT: path.join(dir, "root"),
    ...Object.fromEntries(overrides.map((v) => [v.name ?? "", v.value ?? ""])),
  };
  const child = spawn(process.execPath, ["index.mjs"], { cwd: bundle, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  // Also on disk while it runs (<dir>/<deployment>.log): a build that hangs can be watched.
  const progress = path.join(dir, `${input.deploymentId}.log`);
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    void appendFile(progress, chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    void appendFile(progress, chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  // What CodeBuild then reports: the phase's outcome and, on success, the exported variable.
  const build = builds.get(handle) as Build;
  build.buildStatus = code === 0 ? "SUCCEEDED" : "FAILED";
  if (code === 0) {
    const key = overrides.find((v) => v.name === BUILD_VARIABLES.artifactKey)?.value;
    build.exportedEnvironmentVariables = [{ name: BUILD_VARIABLES.artifactKey, value: key }];
  } else {
    build.phases = [
      {
        phaseType: "BUILD",
        phaseStatus: "FAILED",
        contexts: [
          {
            statusCode: "COMMAND_EXECUTION_ERROR",
            message: "Error while executing command: node index.mjs. Reason: exit status 1",
          },
        ],
      },
    ];
  }
  const lines = stdout.split("\n").flatMap((line) => parseLogLine(line) ?? []);
  const shown = `--- stdout (end) ---\n${stdout.slice(-6000)}\n--- stderr (end) ---\n${stderr.slice(-4000)}`;
  return { handle, code, stdout, lines, shown };
}

describe("the builder bundle on CodeBuild", () => {
  let failed: Awaited<ReturnType<typeof runInCodeBuild>>;
  let built: Awaited<ReturnType<typeof runInCodeBuild>>;
  let artifact: string;

  beforeAll(async () => {
    const broken = repoWith("no-app", { "README.md": "no package.json here\n" }, dir);
    failed = await runInCodeBuild(request({ deploymentId: "dpl_broken", projectId: "prj_broken", ...broken }));
    const app = fixtureRepo("next-app", dir);
    built = await runInCodeBuild(
      request({
        deploymentId: "dpl_cb1",
        ...app,
        env: { BUILD_SECRET: SECRET, NEXT_PUBLIC_GREETING: "hello from the build" },
        mask: [SECRET],
        buildCommand: `echo "secret=$BUILD_SECRET" && npm run build`,
      }),
    );
    if (built.code === 0) {
      artifact = path.join(dir, "artifact");
      await mkdir(artifact, { recursive: true });
      const body = await artifacts.get("artifacts/dpl_cb1.tar");
      if (!body) throw new Error("artifact missing from the bucket");
      await pipeline(body, extract({ cwd: artifact }));
    }
  }, BUILD_TIMEOUT);

  it("builds the fixture app into the artifact the local builder makes, at its presigned key", async () => {
    expect(built.code, built.shown).toBe(0);
    expect(await builder.status(built.handle)).toEqual({ state: "succeeded", artifactKey: "artifacts/dpl_cb1.tar" });
    // The same checks as the local builder's test (local-builder.integration.test.ts): one pipeline.
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(artifact, MANIFEST_FILE), "utf8")));
    expect(manifest).toMatchObject({ deploymentId: "dpl_cb1", nextVersion: "16.4.6", openNextVersion: "4.1.16" });
    expect(manifest.nodeVersion).toBe("22");
    expect(manifest.envKeys).toEqual(["BUILD_SECRET", "NEXT_PUBLIC_GREETING"]);
    expect(existsSync(path.join(artifact, manifest.server.dir, manifest.server.entry))).toBe(true);
    expect(manifest.server.streaming).toBe(true);
    const imageModules = path.join(artifact, manifest.image?.dir ?? "-", "node_modules");
    expect(JSON.parse(readFileSync(path.join(imageModules, "sharp", "package.json"), "utf8")).version).toBe("0.35.5");
    expect(await checkArtifactTree(artifact, { linksAllowed: artifactLinksAllowed })).toEqual([]);
    expect(readFileSync(path.join(artifact, manifest.assets.dir, "BUILD_ID"), "utf8").trim()).toBe(manifest.buildId);
    expect(existsSync(path.join(artifact, manifest.assets.dir, "hello.txt"))).toBe(true);
    expect(readdirSync(path.join(artifact, manifest.assets.dir, "_next/static")).length).toBeGreaterThan(0);
    for (const file of manifest.assets.precompressed) {
      expect(existsSync(path.join(artifact, manifest.assets.dir, `${file}.br`))).toBe(true);
    }
    expect(existsSync(path.join(artifact, ".build"))).toBe(false);
  });

  it("prints the build log as marked lines for CodeBuild's log group, secrets masked", () => {
    const texts = built.lines.map((line) => line.text);
    expect(texts[0]).toMatch(/^▶ CodeBuild slipway-build:[0-9a-f-]{36} building dpl_cb1$/);
    expect(texts).toContain("Build cache: none yet (cold build)");
    expect(texts.some((text) => text.startsWith("✓ Build completed"))).toBe(true);
    expect(texts).toContain("secret=***");
    expect(built.stdout).not.toContain(SECRET);
  });

  it("saves the project's build cache through its presigned URL", async () => {
    const saved = await caches.head(buildCacheKey("prj_next"));
    expect(saved?.size).toBeGreaterThan(0);
    expect(built.lines.some((line) => line.text.startsWith("✓ Build cache saved"))).toBe(true);
  });

  it("a failing repository's reason is the pipeline's, through the result URL, not CodeBuild's exit status", async () => {
    expect(failed.code, failed.shown).toBe(1);
    const status = await builder.status(failed.handle);
    expect(status.state).toBe("failed");
    const reason = status.state === "failed" ? status.reason : "";
    // The pipeline's own words (as `slipway up` would record them), not "exit status 1".
    expect(reason).toMatch(/^npm install failed \(exit \d+\)/);
    expect(failed.lines.filter((line) => line.text.startsWith("✗")).map((line) => line.text)).toEqual([`✗ ${reason}`]);
    expect(await caches.head(buildCacheKey("prj_broken"))).toBeNull();
  });
});
