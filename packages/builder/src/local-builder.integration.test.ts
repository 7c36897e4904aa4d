import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { artifactLinksAllowed, checkArtifactTree, type LogLine, MANIFEST_FILE, parseManifest } from "@slipway/core";
import { createFsBlobStore } from "@slipway/local";
import { networkIsolationStatus } from "@slipway/sandbox";
import { extract } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBuilder } from "./local-builder.ts";
import type { PipelineRequest as BuildRequest, BuildResult } from "./pipeline-types.ts";
import { fixtureRepo, openNextConfig } from "./test-support/fixture-repo.ts";

// One real build shared by every assertion: next build + OpenNext take ~30 s on two cores.
const BUILD_TIMEOUT = 300_000;
const SECRET = "s3cret-build-value-42";

const dir = mkdtempSync(path.join(tmpdir(), "slipway-builder-it-"));
const blobStore = createFsBlobStore(path.join(dir, "blobs"));
const builder = createLocalBuilder({
  blobStore,
  cacheDir: path.join(dir, "cache"),
  workDir: path.join(dir, "work"),
  ...openNextConfig(dir),
});

function request(
  overrides: Partial<BuildRequest> & Pick<BuildRequest, "repoUrl" | "sha">,
  lines: LogLine[],
): BuildRequest {
  return {
    deploymentId: "dpl_it1",
    projectId: "prj_next",
    repoCredential: null,
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    nodeVersion: "22",
    env: {},
    mask: [],
    onLog: (line) => lines.push({ ...line, seq: lines.length }),
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** The end of a build log, for assertion messages: a failed build in CI must say why. */
function logText(lines: LogLine[]): string {
  return `--- build log (end) ---\n${lines
    .slice(-200)
    .map((line) => line.text)
    .join("\n")}`;
}

describe("local builder (real next build + OpenNext)", () => {
  const lines: LogLine[] = [];
  let app: { repoUrl: string; sha: string };
  let result: BuildResult;
  let artifact: string;
  // A service on the host's loopback (as the admin API is): the build must not reach it.
  let loopbackService: Server;

  beforeAll(async () => {
    loopbackService = createServer((socket) => socket.end()).listen(0, "127.0.0.1");
    await new Promise((resolve) => loopbackService.once("listening", resolve));
    const { port } = loopbackService.address() as { port: number };
    const probeLoopback = `node -e 'require("net").connect(${port}, "127.0.0.1").on("connect", () => { console.log("reached"); process.exit(); }).on("error", (e) => console.log(e.code))'`;
    app = fixtureRepo("next-app", dir);
    // A stand-in for the platform's own secrets: the build must not see them.
    process.env.SLIPWAY_MASTER_KEY = "platform-master-key-canary";
    result = await builder.build(
      request(
        {
          ...app,
          env: { BUILD_SECRET: SECRET, NEXT_PUBLIC_GREETING: "hello from the build" },
          mask: [SECRET],
          // Proves the project's build command is honoured, and shows what the build can see.
          buildCommand: `echo "secret=$BUILD_SECRET master=\${SLIPWAY_MASTER_KEY:-absent} loopback=$(${probeLoopback}) root=$(ls / | tr '\\n' ,) node=$(node --version)" && npm run build`,
        },
        lines,
      ),
    );
    if (result.ok) {
      artifact = path.join(dir, "artifact");
      const body = await blobStore.get(result.artifactKey);
      if (!body) throw new Error("artifact missing from the blob store");
      await mkdir(artifact, { recursive: true });
      await pipeline(body, extract({ cwd: artifact }));
    }
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    loopbackService?.close();
    delete process.env.SLIPWAY_MASTER_KEY;
    // Several checkouts and the cached node_modules: tens of thousands of files.
    await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it("stores an artifact with a valid manifest, server bundle, assets and precompressed siblings", async () => {
    if (!result.ok) throw new Error(`build failed: ${result.reason}\n${logText(lines)}`);
    expect(result.artifactKey).toBe("artifacts/dpl_it1.tar");
    const manifest = parseManifest(JSON.parse(readFileSync(path.join(artifact, MANIFEST_FILE), "utf8")));
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({ deploymentId: "dpl_it1", nextVersion: "16.4.6", openNextVersion: "4.1.16" });
    expect(existsSync(path.join(artifact, manifest.server.dir, manifest.server.entry))).toBe(true);
    expect(manifest.server.streaming).toBe(true);
    expect(manifest.image).not.toBeNull();
    // The project's Node, and the toolchain's sharp in the image function (OpenNext installs none).
    expect(manifest.nodeVersion).toBe("22");
    const imageModules = path.join(artifact, manifest.image?.dir ?? "-", "node_modules");
    expect(JSON.parse(readFileSync(path.join(imageModules, "sharp", "package.json"), "utf8")).version).toBe("0.35.5");
    expect(existsSync(path.join(imageModules, "@img", "sharp-linux-x64"))).toBe(true);
    // What the deployer checks on unpacking: nothing in the artifact points outside it.
    expect(await checkArtifactTree(artifact, { linksAllowed: artifactLinksAllowed })).toEqual([]);
    expect(readFileSync(path.join(artifact, manifest.assets.dir, "BUILD_ID"), "utf8").trim()).toBe(manifest.buildId);
    expect(existsSync(path.join(artifact, manifest.assets.dir, "hello.txt"))).toBe(true);
    expect(readdirSync(path.join(artifact, manifest.assets.dir, "_next/static")).length).toBeGreaterThan(0);
    expect(manifest.assets.precompressed.length).toBeGreaterThan(0);
    for (const file of manifest.assets.precompressed) {
      expect(existsSync(path.join(artifact, manifest.assets.dir, `${file}.br`))).toBe(true);
      expect(existsSync(path.join(artifact, manifest.assets.dir, `${file}.gz`))).toBe(true);
    }
    expect(manifest.envKeys).toEqual(["BUILD_SECRET", "NEXT_PUBLIC_GREETING"]);
    expect(existsSync(path.join(artifact, ".build"))).toBe(false);
    for (const step of ["clone", "install", "build", "openNext", "package", "total"]) {
      expect(result.timings[step]).toBeTypeOf("number");
    }
  });

  it("sets NEXT_DEPLOYMENT_ID, so asset URLs carry ?dpl= (skew protection)", () => {
    const cacheFiles = readdirSync(path.join(artifact, "cache"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), "utf8"));
    expect(cacheFiles.some((text) => text.includes("?dpl=dpl_it1"))).toBe(true);
  });

  it("streams a masked log with system lines, in a clean env and a sandbox", () => {
    const texts = lines.map((line) => line.text);
    expect(lines.filter((l) => l.stream === "system").map((l) => l.text)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^▶ Cloning /),
        "▶ Installing dependencies with npm ci",
        expect.stringMatching(/^✓ npm ci in \d+\.\d s$/),
        expect.stringMatching(/^✓ .*npm run build in \d+\.\d s$/),
        expect.stringMatching(/^✓ Build completed in /),
      ]),
    );
    expect(texts.join("\n")).not.toContain(SECRET);
    const probe = texts.find((text) => text.startsWith("secret="));
    expect(probe).toMatch(/^secret=\*\*\* master=absent loopback=\S+ root=\S+ node=v22\.23\.5$/);
    expect(texts).toContain("✓ Node.js 22.23.5 (project setting 22)");
    // The install above came from the registry through the same isolated network.
    if (networkIsolationStatus().mode === "isolated") expect(probe).toContain("loopback=ECONNREFUSED ");
    else expect(texts).toContain(`⚠ ${networkIsolationStatus().note}`);
    // The sandbox shows a minimal root: no platform home or data folders.
    expect(probe).not.toMatch(/root=.*\b(root|home|srv|opt),/);
  });

  it(
    "reuses node_modules from the cache when the lockfile is unchanged, and can be canceled",
    async () => {
      const warm: LogLine[] = [];
      const controller = new AbortController();
      const started = performance.now();
      const outcome = await builder.build(
        request(
          {
            ...app,
            deploymentId: "dpl_it2",
            signal: controller.signal,
            onLog: (line) => {
              warm.push({ ...line, seq: warm.length });
              // Cancel as soon as next build starts: the whole process group must go.
              if (line.text.startsWith("▶ Building")) controller.abort();
            },
          },
          warm,
        ),
      );
      expect(outcome, logText(warm)).toEqual({ ok: false, reason: "canceled" });
      expect(warm.some((l) => l.text.startsWith("✓ Restored dependencies from the build cache"))).toBe(true);
      expect(warm.at(-1)?.text).toBe("✗ Build canceled");
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(await blobStore.head("artifacts/dpl_it2.tar")).toBeNull();
    },
    BUILD_TIMEOUT,
  );

  it(
    "times out with a clear reason",
    async () => {
      const quick = createLocalBuilder({
        blobStore,
        cacheDir: path.join(dir, "cache"),
        workDir: path.join(dir, "work"),
        timeoutMs: 2_000,
        ...openNextConfig(dir),
      });
      const log: LogLine[] = [];
      const outcome = await quick.build(request({ ...app, deploymentId: "dpl_it3", buildCommand: "sleep 60" }, log));
      expect(outcome, logText(log)).toEqual({ ok: false, reason: "build timed out after 2 s" });
      expect(log.at(-1)?.text).toBe("✗ build timed out after 2 s");
    },
    BUILD_TIMEOUT,
  );

  it(
    "fails a broken app with the compiler's reason",
    async () => {
      const broken = fixtureRepo("broken-app", dir);
      const log: LogLine[] = [];
      const outcome = await builder.build(
        request({ ...broken, deploymentId: "dpl_broken", projectId: "prj_broken" }, log),
      );
      const reason = outcome.ok ? "" : outcome.reason;
      expect(reason, logText(log)).toMatch(
        /^next build failed \(exit 1\): Module not found: Can't resolve '\.\/this-module-does-not-exist'.* \(log line \d+\)$/,
      );
      // The number is the line's place in the build log, as `slipway logs` prints it.
      const line = Number(/\(log line (\d+)\)$/.exec(reason)?.[1]);
      expect(log[line - 1]?.text).toContain("Module not found");
      expect(log.some((l) => l.text.includes("this-module-does-not-exist") && l.stream !== "system")).toBe(true);
    },
    BUILD_TIMEOUT,
  );

  it(
    "fails a build that plants links out of its output, and the host follows none of them",
    async () => {
      // fixtures/hostile-app plants links at every name the host reads or writes after the
      // sandbox exits (see its plant.mjs); same lockfile and project, so node_modules is reused.
      const hostile = fixtureRepo("hostile-app", dir);
      const secret = path.join(dir, "canary-secret");
      const target = path.join(dir, "canary-target");
      writeFileSync(secret, "CANARY-admin-token-value");
      writeFileSync(target, "CANARY-target-untouched");
      const log: LogLine[] = [];
      const outcome = await builder.build(
        request(
          { ...hostile, deploymentId: "dpl_hostile", env: { CANARY_SECRET: secret, CANARY_TARGET: target } },
          log,
        ),
      );
      const texts = log.map((line) => line.text);
      // OpenNext finished, so the refusal is the host's, not a crash.
      expect(texts).toContain(`planted links to ${secret} and ${target}`);
      expect(texts.some((text) => text.startsWith("✓ OpenNext packaging"))).toBe(true);
      expect(outcome.ok).toBe(false);
      // OpenNext copied the links planted in .next/static into the assets: the host refuses them.
      const chunkLink = (ext: string) =>
        new RegExp(
          `symlink \\.open-next/assets/_next/static/chunks/\\S+\\.js\\.${ext} -> /\\S+/canary-target; links are not`,
        );
      const reason = outcome.ok ? "" : outcome.reason;
      const also = texts.filter((text) => text.startsWith("  also: ")).join("\n");
      expect(reason).toMatch(/^build output contains a symlink .+; links are not allowed in build output$/);
      expect(`${reason}\n${also}`).toMatch(chunkLink("br"));
      expect(`${reason}\n${also}`).toMatch(chunkLink("gz"));
      // What it planted in .open-next before packaging (BUILD_ID, open-next.output.json, the
      // manifest, a FIFO, a function's node_modules) was deleted with the folder by OpenNext:
      // since Slipway runs next build on its own, no user code runs after OpenNext creates it.
      expect(`${reason}\n${also}`).not.toMatch(/BUILD_ID|open-next\.output\.json|slipway-manifest|pipe\.txt|leak/);
      // Nothing was read through the links into an artifact, and nothing written through them.
      expect(await blobStore.head("artifacts/dpl_hostile.tar")).toBeNull();
      expect(readFileSync(target, "utf8")).toBe("CANARY-target-untouched");
      expect(texts.join("\n")).not.toContain("CANARY-admin-token-value");
    },
    BUILD_TIMEOUT,
  );

  it("rejects a dangerous repository URL without running git", async () => {
    const outcome = await builder.build(request({ repoUrl: "ext::sh -c id", sha: "a".repeat(40) }, []));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.reason).toContain('"ext::sh -c id"');
  });
});
