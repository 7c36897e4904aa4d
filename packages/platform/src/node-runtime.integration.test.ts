import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createToolchain } from "@slipway/builder";
import { MANIFEST_FILE } from "@slipway/core";
import { createFunctionHost, type FunctionHostEvent } from "@slipway/runtime";
import { request, testManifest } from "@slipway/runtime/test-support";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A stand-in server bundle that reports the Node.js it runs on, from a CommonJS module as Next's are.
const BUNDLE = `
import { createRequire } from "node:module";
const { version } = createRequire(import.meta.url)("./version.cjs");
export const handler = awslambda.streamifyResponse(async (event, stream) => {
  stream.write(JSON.stringify({ statusCode: 200, headers: { "content-type": "text/plain" }, cookies: [] }));
  stream.write(new Uint8Array(8));
  stream.end(version());
});
`;
const VERSION_MODULE = "exports.version = () => process.version;\n";

let dir: string;
let server: http.Server;
let port: number;
const events: FunctionHostEvent[] = [];
let host: ReturnType<typeof createFunctionHost>;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-node-runtime-"));
  const root = path.join(dir, "deployments", "dpl_node22");
  await fs.mkdir(path.join(root, "server"), { recursive: true });
  await fs.mkdir(path.join(root, "assets"), { recursive: true });
  await fs.writeFile(path.join(root, "server", "index.mjs"), BUNDLE);
  await fs.writeFile(path.join(root, "server", "version.cjs"), VERSION_MODULE);
  const manifest = testManifest("dpl_node22", "b");
  await fs.writeFile(path.join(root, MANIFEST_FILE), JSON.stringify(manifest));
  // As the platform wires it: the toolchain (here a fresh one) gives each deployment its Node.
  const toolchain = createToolchain(path.join(dir, "toolchain"));
  host = createFunctionHost({
    deploymentsDir: path.join(dir, "deployments"),
    cachesDir: path.join(dir, "cache"),
    getRuntimeEnv: async () => ({}),
    revalidateOrigin: "http://127.0.0.1:1",
    maxWorkersPerDeployment: 1,
    idleTimeoutMs: 60_000,
    nodeFor: async (version) => (await toolchain.node(version)).bin,
    onEvent: (event) => events.push(event),
  });
  server = http.createServer((req, res) => {
    void host.dispatch({ deploymentId: "dpl_node22", kind: "server", req, res, headers: req.headers, requestId: "r" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
}, 300_000);

afterAll(async () => {
  server?.close();
  await host?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("workers on the deployment's Node.js", () => {
  it("start on the pinned release the manifest names, with a V8 compile cache in the deployment's cache dir", async () => {
    const res = await request(port, "/", { headers: { host: "x.localhost" } });
    expect(res.body.toString()).toBe("v22.23.5");
    const cold = events.find((event) => event.type === "cold-start");
    expect(cold).toMatchObject({ node: "22", compileCache: "enabled" });
    await host.stop("dpl_node22");
    // The cache is written when the worker exits at the latest.
    const cacheDir = path.join(host.paths("dpl_node22").cache, ".node-compile-cache");
    const written = await fs.readdir(cacheDir, { recursive: true });
    expect(written.length).toBeGreaterThan(0);
  });

  it("cache the bundle's CommonJS code after it ran, and start the next worker from that cache", async () => {
    await host.stop("dpl_node22");
    const codeCacheDir = path.join(host.paths("dpl_node22").cache, ".code-cache", "v22.23.5-x64");
    await fs.rm(codeCacheDir, { recursive: true, force: true });
    const starts = () => events.filter((event) => event.type === "cold-start");
    const before = starts().length;
    expect((await request(port, "/", { headers: { host: "x.localhost" } })).body.toString()).toBe("v22.23.5");
    expect(starts()[before]).toMatchObject({ codeCache: { warm: 0, cold: 1 } });
    // Written once the first request is answered, not only at exit.
    const codeFiles = async () =>
      (await fs.readdir(codeCacheDir).catch(() => [])).filter((name) => name !== "resolutions.json");
    await vi.waitUntil(async () => (await codeFiles()).length === 1, { timeout: 10_000 });
    await host.stop("dpl_node22");
    expect((await request(port, "/", { headers: { host: "x.localhost" } })).body.toString()).toBe("v22.23.5");
    expect(starts()[before + 1]).toMatchObject({ codeCache: { warm: 1, cold: 0 } });
    // A cache V8 does not accept (here: garbage) is compiled past and replaced, never run.
    await host.stop("dpl_node22");
    const [file] = await codeFiles();
    await fs.writeFile(path.join(codeCacheDir, file as string), "not V8 code");
    expect((await request(port, "/", { headers: { host: "x.localhost" } })).body.toString()).toBe("v22.23.5");
    expect(starts()[before + 2]).toMatchObject({ codeCache: { warm: 0, cold: 1 } });
  });

  it("remember where the bundle's require() calls resolved for the next worker, taking nothing outside the bundle", async () => {
    await host.stop("dpl_node22");
    const codeCacheDir = path.join(host.paths("dpl_node22").cache, ".code-cache", "v22.23.5-x64");
    const saved = path.join(codeCacheDir, "resolutions.json");
    await fs.rm(codeCacheDir, { recursive: true, force: true });
    const version = async () => (await request(port, "/", { headers: { host: "x.localhost" } })).body.toString();
    expect(await version()).toBe("v22.23.5");
    const resolved = async () =>
      JSON.parse(await fs.readFile(saved, "utf8").catch(() => "{}")) as Record<string, string>;
    await vi.waitUntil(async () => Object.values(await resolved()).some((file) => file.endsWith("version.cjs")), {
      timeout: 10_000,
    });
    const [key] = Object.entries(await resolved()).find(([, file]) => file.endsWith("version.cjs")) ?? [];
    if (key === undefined) throw new Error("no resolution of ./version.cjs saved");
    const bundle = path.join(dir, "deployments", "dpl_node22", "server");
    // The next worker takes the saved resolution as it is (a deployment's files never change)...
    await fs.writeFile(path.join(bundle, "other.cjs"), 'exports.version = () => "resolved from the cache";\n');
    await host.stop("dpl_node22");
    await fs.writeFile(saved, JSON.stringify({ [key]: path.join(bundle, "other.cjs") }));
    expect(await version()).toBe("resolved from the cache");
    // ...but never one that leads out of the bundle: that request resolves the slow way.
    await fs.writeFile(path.join(dir, "outside.cjs"), 'exports.version = () => "outside";\n');
    await host.stop("dpl_node22");
    await fs.writeFile(saved, JSON.stringify({ [key]: path.join(dir, "outside.cjs") }));
    expect(await version()).toBe("v22.23.5");
  });
});
