import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { request } from "../test-support/http-client.ts";
import { testManifest } from "../test-support/manifest.ts";
import { createEdge } from "./edge.ts";
import type { Edge, EdgeTarget } from "./types.ts";

// The canary split through the edge's port: a production host whose alias carries a canary,
// over a fake function host that says which deployment answered. The edge trusts
// X-Forwarded-For here so a test can be any client address.
let dir: string;
let edge: Edge;
let port: number;
let percent = 50;
let cacheControl = "no-store";
const served: string[] = [];

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-canary-split-"));
  for (const id of ["dpl_stable", "dpl_canary"]) {
    const root = path.join(dir, "deployments", id);
    await fs.mkdir(path.join(root, "assets"), { recursive: true });
    await fs.writeFile(path.join(root, "slipway-manifest.json"), JSON.stringify(testManifest(id, id)));
    // No middleware: the edge cache may answer every path.
    await fs.mkdir(path.join(root, "server", ".next", "server"), { recursive: true });
    await fs.writeFile(path.join(root, "server", ".next", "server", "middleware-manifest.json"), "{}");
  }
  const production = (): EdgeTarget => ({
    deploymentId: "dpl_stable",
    projectId: "prj",
    canary: { deploymentId: "dpl_canary", percent },
  });
  edge = createEdge({
    deploymentsDir: path.join(dir, "deployments"),
    // The project's host and a custom domain both resolve to the production alias (its canary too).
    resolveHost: async (host) =>
      host === "shop.localhost" || host === "shop.example.com"
        ? production()
        : host === "gone.localhost"
          ? { deploymentId: "dpl_stable", projectId: "prj", canary: { deploymentId: "dpl_deleted", percent: 100 } }
          : null,
    getDeployment: async () => null,
    trustForwardedFor: true,
    functionHost: {
      async dispatch({ deploymentId, res }) {
        served.push(deploymentId);
        res.writeHead(200, { "content-type": "text/plain", "cache-control": cacheControl });
        res.end(deploymentId);
        return { status: 200, bytes: deploymentId.length, coldStart: false };
      },
    },
    cache: { cachesDir: path.join(dir, "caches"), maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 },
  });
  port = await edge.listen(0, "127.0.0.1");
});

afterAll(async () => {
  await edge?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  percent = 50;
  cacheControl = "no-store";
  served.length = 0;
});

let unique = 0;
const fresh = () => `/page-${++unique}`;
const answer = async (headers: Record<string, string>, host = "shop.localhost", p = fresh()) =>
  (await request(port, p, { host, headers })).body.toString();
const pinned = (bucket: number | string) => ({ cookie: `theme=dark; slipway-canary=${bucket}` });

describe("canary split at the local edge", () => {
  it("sends a client whose cookie bucket is below the share to the canary, on the custom domain too", async () => {
    percent = 10;
    expect(await answer(pinned(9))).toBe("dpl_canary");
    expect(await answer(pinned(10))).toBe("dpl_stable");
    expect(await answer(pinned(0), "shop.example.com")).toBe("dpl_canary");
    expect(await answer(pinned(99), "shop.example.com")).toBe("dpl_stable");
    // Not a bucket (three digits, a name that only ends in ours): the client's hash decides.
    const client = { "x-forwarded-for": "203.0.113.7", "user-agent": "Mozilla/5.0" }; // bucket 34
    expect(await answer({ ...client, cookie: "slipway-canary=100" })).toBe("dpl_stable");
    expect(await answer({ ...client, cookie: "my-slipway-canary=1" })).toBe("dpl_stable");
  });

  it("hashes address and user agent exactly as the AWS function does, so each client is sticky", async () => {
    // The same vectors as viewer-request.test.ts: bucket b goes to the canary at b + 1%, not at b%.
    const vectors: Array<[string, string, number]> = [
      ["203.0.113.7", "Mozilla/5.0", 34],
      ["198.51.100.23", "", 69],
      ["::ffff:192.0.2.9", "Mozilla/5.0 (X11; Linux x86_64)", 71],
    ];
    for (const [ip, agent, bucket] of vectors) {
      const client = { "x-forwarded-for": `${ip}, 10.0.0.1`, ...(agent ? { "user-agent": agent } : {}) };
      percent = bucket + 1;
      for (let i = 0; i < 3; i++) expect(await answer(client)).toBe("dpl_canary");
      percent = bucket;
      for (let i = 0; i < 3; i++) expect(await answer(client)).toBe("dpl_stable");
    }
  });

  it("splits many clients near the share, and 0% / 100% send nobody / everybody", async () => {
    const clients = Array.from({ length: 50 }, (_, i) => ({ "x-forwarded-for": `198.51.100.${i}` }));
    const canaryShare = async () =>
      (await Promise.all(clients.map((client) => answer(client)))).filter((id) => id === "dpl_canary").length;
    percent = 30;
    const share = await canaryShare();
    expect(share).toBeGreaterThan(5);
    expect(share).toBeLessThan(30);
    percent = 0;
    expect(await canaryShare()).toBe(0);
    percent = 100;
    expect(await canaryShare()).toBe(clients.length);
  });

  it("never serves one side's cached page to the other, and refreshes a stale page from its own side", async () => {
    percent = 10; // the edge's refresher lands in bucket 19: unpinned, it would refresh from stable
    cacheControl = "s-maxage=3600";
    const p = fresh();
    expect(await answer(pinned(50), "shop.localhost", p)).toBe("dpl_stable");
    expect(await answer(pinned(5), "shop.localhost", p)).toBe("dpl_canary");
    const hit = await request(port, p, { host: "shop.localhost", headers: pinned(5) });
    expect([hit.body.toString(), hit.headers["x-slipway-cache"]]).toEqual(["dpl_canary", "HIT"]);
    expect(await answer(pinned(50), "shop.localhost", p)).toBe("dpl_stable");
    expect(served).toEqual(["dpl_stable", "dpl_canary"]);

    // Next regenerated the canary's page (ISR): its next hit is STALE and one refresh fetches it.
    await request(port, p, {
      host: "shop.localhost",
      method: "HEAD",
      headers: { ...pinned(5), "x-prerender-revalidate": "1" },
    });
    served.length = 0;
    const stale = await request(port, p, { host: "shop.localhost", headers: pinned(5) });
    expect([stale.body.toString(), stale.headers["x-slipway-cache"]]).toEqual(["dpl_canary", "STALE"]);
    await vi.waitUntil(() => served.length === 1, { timeout: 5_000 });
    expect(served).toEqual(["dpl_canary"]);
  });

  it("keeps the canary's share on the stable deployment when the canary's files are gone", async () => {
    expect(await answer(pinned(0), "gone.localhost")).toBe("dpl_stable");
  });
});
