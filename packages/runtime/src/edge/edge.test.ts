import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../test-support/http-client.ts";
import { testManifest } from "../test-support/manifest.ts";
import { createEdge } from "./edge.ts";
import type { Edge } from "./types.ts";

// Static serving only, over synthetic deployments (a manifest and some assets): no Next build.
let dir: string;
let edge: Edge;
let port: number;
const dispatched: string[] = [];

async function writeDeployment(id: string, files: Record<string, string>, precompressed: string[] = []) {
  const root = path.join(dir, "deployments", id);
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, "assets", rel)), { recursive: true });
    await fs.writeFile(path.join(root, "assets", rel), content);
  }
  for (const rel of precompressed)
    await fs.writeFile(path.join(root, "assets", `${rel}.gz`), gzipSync(files[rel] ?? ""));
  const manifest = testManifest(id, id);
  manifest.assets = { dir: "assets", immutablePrefixes: ["_next/static/"], precompressed };

  await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(manifest));
  return root;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-edge-"));
  await fs.writeFile(path.join(dir, "secret.txt"), "platform secret");
  await writeDeployment("dpl_old", { "_next/static/old.js": "old chunk" });
  await writeDeployment("dpl_other", { "_next/static/other.js": "other project" });
  const root = await writeDeployment("dpl_new", { "_next/static/app.js": "x".repeat(2000), "robots.txt": "ok" }, [
    "_next/static/app.js",
  ]);
  await fs.symlink(path.join(dir, "secret.txt"), path.join(root, "assets", "leak.txt"));
  await fs.symlink("robots.txt", path.join(root, "assets", "robots-alias.txt"));
  edge = createEdge({
    deploymentsDir: path.join(dir, "deployments"),
    resolveHost: async (host) => (host === "app.localhost" ? { deploymentId: "dpl_new", projectId: "prj_a" } : null),
    getDeployment: async (id) => ({ dpl_old: { projectId: "prj_a" }, dpl_other: { projectId: "prj_b" } })[id] ?? null,
    functionHost: {
      async dispatch({ req, res, requestId, headers }) {
        dispatched.push(`${req.method} ${req.url} ${headers["x-forwarded-for"]}`);
        res.writeHead(200, { "x-request-id": requestId });
        res.end("from function");
        return { status: 200, bytes: 13, coldStart: false };
      },
    },
  });
  port = await edge.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await edge?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) => request(port, p, { host: "app.localhost", headers });

describe("edge static serving", () => {
  it("serves gzip siblings only when accepted, with Vary", async () => {
    const gz = await get("/_next/static/app.js", { "accept-encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toBe("Accept-Encoding");
    expect(gunzipSync(gz.body).toString()).toBe("x".repeat(2000));
    const plain = await get("/_next/static/app.js", { "accept-encoding": "gzip;q=0" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.length).toBe(2000);
    expect(plain.headers.etag).not.toBe(gz.headers.etag);
  });

  it("serves regular files only: never a symlink, not even one that stays in the assets folder", async () => {
    const leak = await get("/leak.txt");
    expect(leak.body.toString()).not.toContain("platform secret");
    expect((await get("/robots-alias.txt")).body.toString()).toBe("from function");
    expect((await get("/robots.txt")).body.toString()).toBe("ok");
  });

  it("serves ?dpl= assets from the older deployment of the same project only", async () => {
    expect((await get("/_next/static/old.js?dpl=dpl_old")).body.toString()).toBe("old chunk");
    expect((await get("/_next/static/other.js?dpl=dpl_other")).body.toString()).toBe("from function");
    expect((await get("/_next/static/old.js?dpl=dpl_gone")).body.toString()).toBe("from function");
  });

  it("proxies the rest, replacing a client's X-Forwarded-For", async () => {
    const res = await get("/page", { "x-forwarded-for": "6.6.6.6" });
    expect(res.body.toString()).toBe("from function");
    expect(dispatched.at(-1)).toBe("GET /page 127.0.0.1");
  });
});
