import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { LogLine } from "@slipway/core";
import { createFsBlobStore } from "@slipway/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBuilder } from "../local-builder.ts";
import { hostNetwork } from "../network-env.ts";
import type { BuildResult } from "../pipeline-types.ts";
import { openNextConfig, repoWith } from "../test-support/fixture-repo.ts";
import { REGISTRY_HOST, startTlsRegistryProxy, type TlsRegistryProxy } from "../test-support/tls-registry-proxy.ts";
import { bunTool } from "./bun.ts";
import { pnpmTool } from "./pnpm.ts";
import { provisionTool } from "./provision.ts";
import { yarnTool } from "./yarn.ts";

// Issue 17: on a network whose TLS goes through a proxy with its own CA, every package manager in
// the sandbox must go through the proxy, trust the CA and use the registry the host uses, and a
// private registry's token comes from a secret env var the repository's config names. Only the
// install matters here: the app has no `next`, so the build fails right after it.
const TOKEN = "npm_s3cretRegistryToken42";
const TIMEOUT = 300_000;

const dir = mkdtempSync(path.join(tmpdir(), "slipway-networks-it-"));
const cacheDir = path.join(dir, "cache");
let proxy: TlsRegistryProxy;

function builder(caFile: string | null) {
  return createLocalBuilder({
    blobStore: createFsBlobStore(path.join(dir, "blobs")),
    cacheDir,
    workDir: path.join(dir, "work"),
    ...openNextConfig(dir),
    // The proxy listens on the host's loopback, which an isolated build network cannot reach.
    network: "host",
    hostNetwork: {
      caFile,
      httpsProxy: proxy.url,
      httpProxy: proxy.url,
      noProxy: null,
      registry: `https://${REGISTRY_HOST}/`,
    },
  });
}

const NPMRC = `//${REGISTRY_HOST}/:_authToken=\${NPM_TOKEN}\n`;
const manifest = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: "net-app", private: true, dependencies: { tiny: "1.0.0" }, ...extra });

const repos: Record<string, () => Record<string, string>> = {
  npm: () => ({ "package.json": manifest(), ".npmrc": NPMRC }),
  pnpm: () => ({
    "package.json": manifest(),
    ".npmrc": NPMRC,
    "pnpm-lock.yaml": [
      "lockfileVersion: '9.0'",
      "",
      "settings:",
      "  autoInstallPeers: true",
      "  excludeLinksFromLockfile: false",
      "",
      "importers:",
      "",
      "  .:",
      "    dependencies:",
      "      tiny:",
      "        specifier: 1.0.0",
      "        version: 1.0.0",
      "",
      "packages:",
      "",
      "  tiny@1.0.0:",
      `    resolution: {integrity: ${proxy.tiny.integrity}}`,
      "",
      "snapshots:",
      "",
      "  tiny@1.0.0: {}",
      "",
    ].join("\n"),
  }),
  "yarn classic": () => ({
    "package.json": manifest(),
    // Yarn classic sends a token with unscoped tarball requests only when told to.
    ".npmrc": `${NPMRC}always-auth=true\n`,
    "yarn.lock": [
      "# yarn lockfile v1",
      "",
      "",
      "tiny@1.0.0:",
      '  version "1.0.0"',
      `  resolved "${proxy.tiny.url}#${proxy.tiny.shasum}"`,
      `  integrity ${proxy.tiny.integrity}`,
      "",
    ].join("\n"),
  }),
  "yarn berry": () => ({
    "package.json": manifest({ packageManager: "yarn@4.18.1" }),
    ".yarnrc.yml": `npmAlwaysAuth: true\nnpmAuthToken: "\${NPM_TOKEN}"\n`,
    // Berry's lockfile checksums depend on its cache format: let it write the lockfile itself.
    "yarn.lock": "__metadata:\n  version: 8\n  cacheKey: 10c0\n",
  }),
  bun: () => ({
    "package.json": manifest(),
    ".npmrc": NPMRC,
    "bun.lock": JSON.stringify({
      lockfileVersion: 1,
      workspaces: { "": { name: "net-app", dependencies: { tiny: "1.0.0" } } },
      packages: { tiny: ["tiny@1.0.0", "", {}, proxy.tiny.integrity] },
    }),
  }),
};

async function build(
  name: string,
  caFile: string | null,
  installCommand: string | null = null,
  env: Record<string, string> = {},
) {
  const lines: LogLine[] = [];
  const repo = repoWith(`net-${name.replace(" ", "-")}-${caFile ? "ca" : "noca"}`, repos[name]?.() ?? {}, dir);
  proxy.seen.length = 0;
  const result: BuildResult = await builder(caFile).build({
    deploymentId: `dpl_net_${name.replace(" ", "_")}`,
    // Its own project (and so package-manager cache) per case: npm would fall back to a cached tarball.
    projectId: `prj_net_${name.replace(" ", "_")}_${caFile ? "ca" : "noca"}`,
    repoCredential: null,
    rootDir: "",
    installCommand,
    buildCommand: null,
    nodeVersion: "22",
    env: { NPM_TOKEN: TOKEN, ...env },
    mask: [TOKEN],
    ...repo,
    onLog: (line) => lines.push({ ...line, seq: lines.length }),
    signal: new AbortController().signal,
  });
  const log = lines.map((line) => line.text).join("\n");
  return {
    result,
    log,
    explain: `${log.slice(-4000)}\nproxy saw: ${proxy.seen.join(", ")}`,
  };
}

describe("package managers behind a TLS-intercepting proxy with a private registry", () => {
  beforeAll(async () => {
    proxy = await startTlsRegistryProxy(path.join(dir, "proxy"), TOKEN);
    // The managers themselves come from the real registry, as on any host (not through the test proxy).
    const storeDir = path.join(cacheDir, ".package-managers");
    const npmEnv = { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: process.env.HOME ?? dir, ...realNetworkEnv() };
    for (const tool of [pnpmTool("9.15.9"), yarnTool("1.22.22"), yarnTool("4.18.1"), bunTool("1.4.5")]) {
      await provisionTool(tool, { storeDir, npmEnv, integrity: null });
    }
  }, TIMEOUT);

  afterAll(async () => {
    await proxy?.close();
  });

  it.each([
    ["npm", "npm install", null],
    ["pnpm", "pnpm install --frozen-lockfile", null],
    ["yarn classic", "yarn install --frozen-lockfile", null],
    [
      "yarn berry",
      "YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install",
      "YARN_ENABLE_IMMUTABLE_INSTALLS=false yarn install",
    ],
    ["bun", "bun install --frozen-lockfile", null],
  ])(
    "%s installs through the proxy, trusting its CA, with the token from the secret env var",
    async (name, label, installCommand) => {
      const { log, explain } = await build(name, proxy.caFile, installCommand);
      expect(log, explain).toContain(`✓ ${label} in`);
      expect(proxy.seen, explain).toContain(`CONNECT ${REGISTRY_HOST}:443`);
      expect(proxy.seen, explain).toContain("GET /tiny/-/tiny-1.0.0.tgz auth=yes");
      expect(log).not.toContain(TOKEN);
    },
    TIMEOUT,
  );

  it(
    "fails the install when the host's CA is not passed on (npm refuses the proxy's certificate)",
    async () => {
      // No retries: the refusal is the answer, not a network blip.
      const { result, explain } = await build("npm", null, null, { npm_config_fetch_retries: "0" });
      expect(result.ok, explain).toBe(false);
      expect(result.ok ? "" : result.reason, explain).toMatch(
        /^npm install failed.*unable to verify the first certificate/,
      );
      expect(proxy.seen, explain).not.toContain("GET /tiny auth=yes");
    },
    TIMEOUT,
  );
});

/** The machine's own network settings, for fetching the managers from the real registry. */
function realNetworkEnv(): Record<string, string> {
  const real = hostNetwork(process.env);
  return Object.fromEntries(
    Object.entries({
      NODE_EXTRA_CA_CERTS: real.caFile,
      HTTPS_PROXY: real.httpsProxy,
      HTTP_PROXY: real.httpProxy,
    }).filter((entry): entry is [string, string] => entry[1] !== null),
  );
}
