import { REMOVE_PROJECT_JOB } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";

const headers = { authorization: "Bearer good-token", "content-type": "application/json" };

async function setup() {
  const api = await setupApi();
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api.app.request(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const created = await call("POST", "/projects", {
    name: "shop",
    repo: "https://github.com/acme/shop.git",
    installCommand: "npm ci",
  });
  expect(created.status).toBe(201);
  return { ...api, call };
}

describe("PATCH /api/v1/projects/:name", () => {
  it("changes only the settings given; null or an empty command goes back to the default", async () => {
    const { call } = await setup();
    const res = await call("PATCH", "/projects/shop", {
      rootDir: "apps/web/",
      buildCommand: "npm run build:web",
      installCommand: null,
      branch: "release",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: "shop",
      rootDir: "apps/web",
      buildCommand: "npm run build:web",
      installCommand: null,
      productionBranch: "release",
      repo: "https://github.com/acme/shop.git",
    });
    const again = await call("PATCH", "/projects/shop", { buildCommand: "" });
    expect(again.body).toMatchObject({ buildCommand: null, rootDir: "apps/web", productionBranch: "release" });
    expect((await call("GET", "/projects/shop")).body).toMatchObject({ buildCommand: null, rootDir: "apps/web" });
    const node = await call("PATCH", "/projects/shop", { nodeVersion: "24" });
    expect(node.body).toMatchObject({ nodeVersion: "24", rootDir: "apps/web" });
  });

  it("refuses a bad value naming it, and changes nothing", async () => {
    const { call } = await setup();
    const outside = await call("PATCH", "/projects/shop", { rootDir: "../secrets", buildCommand: "make" });
    expect(outside).toMatchObject({ status: 400, body: { code: "INVALID_INPUT" } });
    expect(outside.body.message).toContain('"../secrets"');
    const branch = await call("PATCH", "/projects/shop", { branch: "-x" });
    expect(branch).toMatchObject({ status: 400, body: { code: "INVALID_REF" } });
    expect(branch.body.message).toContain('"-x"');
    const twoLines = await call("PATCH", "/projects/shop", { installCommand: "npm ci\necho pwned" });
    expect(twoLines.body.message).toContain("npm ci\\necho pwned");
    const typo = await call("PATCH", "/projects/shop", { rootdir: "apps/web" });
    expect(typo).toMatchObject({ status: 400, body: { code: "INVALID_INPUT" } });
    expect(typo.body.message).toContain("rootdir");
    const node = await call("PATCH", "/projects/shop", { nodeVersion: "18" });
    expect(node).toMatchObject({ status: 400 });
    expect(node.body.message).toContain("18");
    const nothing = await call("PATCH", "/projects/shop", {});
    expect(nothing.body.message).toContain('"shop"');
    expect((await call("GET", "/projects/shop")).body).toMatchObject({
      rootDir: "",
      buildCommand: null,
      installCommand: "npm ci",
      productionBranch: "main",
      nodeVersion: "22",
    });
  });

  it("answers 404 naming an unknown project", async () => {
    const { call } = await setup();
    const res = await call("PATCH", "/projects/nope", { rootDir: "x" });
    expect(res).toMatchObject({ status: 404, body: { code: "PROJECT_NOT_FOUND" } });
    expect(res.body.message).toContain('"nope"');
  });
});

describe("DELETE /api/v1/projects/:name", () => {
  it("queues the removal and answers 202; the project stays until the removal step has run", async () => {
    const { call, queue, store } = await setup();
    const project = await store.projects.getByName("shop");
    const res = await call("DELETE", "/projects/shop");
    expect(res).toEqual({ status: 202, body: { id: project?.id, name: "shop", status: "removing" } });
    const job = await queue.claim(60_000);
    expect(job).toMatchObject({ type: REMOVE_PROJECT_JOB, payload: { projectId: project?.id } });
    expect((await call("GET", "/projects/shop")).status).toBe(200);
  });

  it("answers 404 for an unknown project and queues nothing", async () => {
    const { call, queue } = await setup();
    expect((await call("DELETE", "/projects/nope")).body).toMatchObject({ code: "PROJECT_NOT_FOUND" });
    expect(await queue.claim(60_000)).toBeNull();
  });
});

describe("POST /api/v1/admin/cache/clear", () => {
  it("clears one project's build caches or all of them, with the bytes freed", async () => {
    const { call, buildCache, store } = await setup();
    await call("POST", "/projects", { name: "blog", repo: "https://github.com/acme/blog.git" });
    const [shop, blog] = await Promise.all([store.projects.getByName("shop"), store.projects.getByName("blog")]);
    buildCache.fill(shop?.id ?? "", 1_000);
    buildCache.fill(blog?.id ?? "", 300);
    expect(await call("POST", "/admin/cache/clear", { project: "shop" })).toEqual({
      status: 200,
      body: { project: "shop", bytesFreed: 1_000 },
    });
    expect(buildCache.projects()).toEqual([blog?.id]);
    expect((await call("POST", "/admin/cache/clear", {})).body).toEqual({ project: null, bytesFreed: 300 });
    expect((await call("POST", "/admin/cache/clear", { project: "nope" })).body).toMatchObject({
      code: "PROJECT_NOT_FOUND",
    });
  });

  it("requires the token", async () => {
    const { app } = await setup();
    const res = await app.request("/api/v1/admin/cache/clear", { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
  });
});

describe("POST /api/v1/projects/:name/webhook/rotate", () => {
  it("answers a new secret, and a delivery signed with the old one is refused", async () => {
    const { call, app } = await setup();
    const before = (await call("GET", "/projects/shop")).body as { id: string; webhook: { secret: string } };
    const rotated = await call("POST", "/projects/shop/webhook/rotate");
    expect(rotated.status).toBe(200);
    const secret = (rotated.body as { webhook: { secret: string } }).webhook.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret).not.toBe(before.webhook.secret);
    expect((await call("GET", "/projects/shop")).body).toMatchObject({ webhook: { secret } });
    const { createHmac } = await import("node:crypto");
    const payload = JSON.stringify({ zen: "hi", hook_id: 1 });
    const sign = (key: string) => `sha256=${createHmac("sha256", key).update(payload).digest("hex")}`;
    const deliver = (key: string) =>
      app.request(`/api/v1/webhooks/github/${before.id}`, {
        method: "POST",
        headers: {
          "x-github-event": "ping",
          "x-github-delivery": crypto.randomUUID(),
          "x-hub-signature-256": sign(key),
        },
        body: payload,
      });
    expect((await deliver(before.webhook.secret)).status).toBe(401);
    expect((await deliver(secret)).status).toBeLessThan(300);
  });
});
