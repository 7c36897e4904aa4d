import { savedReadyDeployment } from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";

const headers = { authorization: "Bearer good-token", "content-type": "application/json" };

describe("GET /api/v1/projects/:name/deployments", () => {
  it("pages on with before= and filters by environment and status; a bad filter is refused by name", async () => {
    const { app, store } = await setupApi();
    const get = async (query: string) => {
      const res = await app.request(`/api/v1/projects/shop/deployments${query}`, { headers });
      return { status: res.status, body: (await res.json()) as { id: string; code?: string; message?: string }[] };
    };
    const created = await app.request("/api/v1/projects", {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "shop", repo: "https://github.com/acme/shop.git" }),
    });
    const { id: projectId } = (await created.json()) as { id: string };
    for (const [i, environment] of (["production", "preview", "preview"] as const).entries()) {
      await store.deployments.create({
        id: `d${i}`,
        projectId,
        environment,
        status: "ready",
        statusReason: null,
        commit: { sha: `${i}`.repeat(40), branch: "main", message: null, author: null },
        trigger: "api",
        artifactKey: null,
        envSnapshot: null,
        createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
        buildStartedAt: null,
        readyAt: null,
        finishedAt: null,
      });
    }
    const ids = (r: { body: { id: string }[] }) => r.body.map((d) => d.id);
    expect(ids(await get("?limit=2"))).toEqual(["d2", "d1"]);
    expect(ids(await get("?limit=2&before=d1"))).toEqual(["d0"]);
    expect(ids(await get("?environment=preview"))).toEqual(["d2", "d1"]);
    const sites = await app.request("/api/v1/projects?deployments=1", { headers });
    expect(await sites.json()).toMatchObject([
      { name: "shop", latestDeployment: { id: "d2" }, productionDeployment: { id: "d0" } },
    ]);
    const bad = await get("?status=sleeping");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: "INVALID_INPUT" });
    expect((bad.body as unknown as { message: string }).message).toContain("status");
  });
});

describe("GET /api/v1/deployments/:id/env", () => {
  it("names the keys the build saw and which are secret, never a value", async () => {
    const { app, git } = await setupApi();
    git.setRef("https://github.com/acme/shop.git", "main", "a".repeat(40));
    const call = async (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    await call("POST", "/api/v1/projects", { name: "shop", repo: "https://github.com/acme/shop.git" });
    await call("POST", "/api/v1/projects/shop/env", {
      vars: [
        { key: "STRIPE_KEY", value: "sk_live_hidden", targets: ["production"], secret: true },
        { key: "API_URL", value: "https://api.example.com", targets: ["production"] },
        { key: "PREVIEW_ONLY", value: "x", targets: ["preview"] },
      ],
    });
    const queued = await call("POST", "/api/v1/projects/shop/deployments", { prod: true });
    const { id } = (await queued.json()) as { id: string };
    const res = await call("GET", `/api/v1/deployments/${id}/env`);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      keys: [
        { key: "API_URL", secret: false },
        { key: "STRIPE_KEY", secret: true },
      ],
    });
    expect(text).not.toContain("sk_live_hidden");
    expect(text).not.toContain("api.example.com");
  });
});

describe("POST /api/v1/deployments/:id/promote with a canary, and rollback", () => {
  const canaryWatch = { name: "test", watch: async () => undefined, unwatch: async () => undefined };

  async function siteWithTwoReady(options: Parameters<typeof setupApi>[0] = {}) {
    const { app, store, queue } = await setupApi(options);
    const created = await app.request("/api/v1/projects", {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "shop", repo: "https://github.com/acme/shop.git" }),
    });
    const { id: projectId } = (await created.json()) as { id: string };
    for (const [i, id] of ["stable", "next"].entries()) {
      await savedReadyDeployment(store, projectId, {
        id,
        commit: { sha: `${i}`.repeat(40), branch: "main", message: null, author: null },
        artifactKey: `artifacts/${id}.tar`,
        createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
      });
    }
    const post = (path: string, body?: unknown) =>
      app.request(path, { method: "POST", headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    // No body at all: what clients before canaries send.
    expect((await post("/api/v1/deployments/stable/promote")).status).toBe(200);
    return { store, queue, post };
  }

  it("splits production with the canary, then rollback cancels it", async () => {
    const { store, post } = await siteWithTwoReady({ canaryWatch });
    const started = await post("/api/v1/deployments/next/promote", { canary: 10 });
    expect(started.status).toBe(200);
    expect(await started.json()).toMatchObject({ id: "next" });
    expect(await store.aliases.get("shop.localhost")).toMatchObject({
      deploymentId: "stable",
      canary: { deploymentId: "next", percent: 10 },
    });

    const rolledBack = await post("/api/v1/projects/shop/rollback", {});
    expect(await rolledBack.json()).toMatchObject({ id: "stable" });
    expect((await store.aliases.get("shop.localhost"))?.canary).toBeUndefined();
  });

  it("refuses a share outside 1–99 by name, and a canary where the target has no watch", async () => {
    const watched = await siteWithTwoReady({ canaryWatch });
    const bad = await watched.post("/api/v1/deployments/next/promote", { canary: 100 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "INVALID_CANARY", message: expect.stringContaining("100") });

    const edgeless = await siteWithTwoReady();
    const refused = await edgeless.post("/api/v1/deployments/next/promote", { canary: 10 });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "CANARY_UNSUPPORTED" });
  });
});
