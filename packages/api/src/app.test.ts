import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CoreDeps } from "@slipway/core";
import {
  createAesGcmSecrets,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
} from "@slipway/local";
import { describe, expect, it } from "vitest";
import { createApi } from "./app.ts";
import { hashToken } from "./auth.ts";
import { openApiDocument } from "./routes/openapi.ts";

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-api-"));
  const db = openSqlite(join(dir, "db.sqlite"));
  const store = createSqliteStore(db);
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken("good-token"),
    createdAt: new Date().toISOString(),
  });
  // Only the parts these routes touch are real; builder and deployer are never reached here.
  const deps = {
    store,
    queue: createSqliteQueue(db),
    logs: createSqliteLogStore(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    urls: {
      hostname: (l: string) => `${l}.localhost`,
      url: (h: string) => `http://${h}:7380`,
      apiUrl: "http://127.0.0.1:7300",
    },
    settings: { retainDeployments: 10 },
    statusReporter: null,
  } as unknown as CoreDeps;
  return createApi(deps);
}

describe("API", () => {
  it("lists every route it serves in its OpenAPI document", async () => {
    const app = await setup();
    const documented = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    for (const route of new Set(served)) expect(documented).toContain(route);
  });

  it("requires a valid bearer token everywhere but health, the document and webhooks", async () => {
    const app = await setup();
    expect((await app.request("/api/v1/health")).status).toBe(200);
    expect((await app.request("/api/v1/openapi.json")).status).toBe(200);
    const missing = await app.request("/api/v1/projects");
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: "UNAUTHORIZED" });
    const wrong = await app.request("/api/v1/projects", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const ok = await app.request("/api/v1/projects", { headers: { authorization: "Bearer good-token" } });
    expect(ok.status).toBe(200);
  });

  it("answers bad JSON and bad fields with INVALID_INPUT naming the field", async () => {
    const app = await setup();
    const headers = { authorization: "Bearer good-token", "content-type": "application/json" };
    const notJson = await app.request("/api/v1/projects", { method: "POST", headers, body: "{" });
    expect(await notJson.json()).toMatchObject({ code: "INVALID_INPUT" });
    const noRepo = await app.request("/api/v1/projects", {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "x" }),
    });
    expect(noRepo.status).toBe(400);
    expect(((await noRepo.json()) as { message: string }).message).toContain("repo");
  });

  it("refuses webhook bodies over 25 MB before reading them whole", async () => {
    const app = await setup();
    const response = await app.request("/api/v1/webhooks/github/nope", {
      method: "POST",
      headers: { "content-length": String(26 * 1024 * 1024), "x-github-event": "push" },
      body: "x",
    });
    expect(response.status).toBe(413);
  });

  it("refuses a project whose URLs would overlap another project's with 409 naming both", async () => {
    const app = await setup();
    const create = (name: string) =>
      app.request("/api/v1/projects", {
        method: "POST",
        headers: { authorization: "Bearer good-token", "content-type": "application/json" },
        body: JSON.stringify({ name, repo: "https://github.com/acme/shop.git" }),
      });
    expect((await create("shop")).status).toBe(201);
    const clash = await create("shop-git-main");
    expect(clash.status).toBe(409);
    const body = (await clash.json()) as { code: string; message: string };
    expect(body.code).toBe("PROJECT_NAME_CONFLICT");
    expect(body.message).toContain('"shop-git-main"');
    expect(body.message).toContain('"shop"');
    expect((await create("shopping")).status).toBe(201);
  });
});
