import { describe, expect, it } from "vitest";
import { openApiDocument } from "./routes/openapi.ts";
import { setupApi } from "./testing/setup-api.ts";

async function setup() {
  return (await setupApi()).app;
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

  it("creates a project on Node 22 unless the body names 20 or 24, and refuses another version naming it", async () => {
    const app = await setup();
    const headers = { authorization: "Bearer good-token", "content-type": "application/json" };
    const create = (name: string, nodeVersion?: string) =>
      app.request("/api/v1/projects", {
        method: "POST",
        headers,
        body: JSON.stringify({ name, repo: "https://github.com/acme/shop.git", nodeVersion }),
      });
    expect(await (await create("plain")).json()).toMatchObject({ nodeVersion: "22" });
    expect(await (await create("newer", "24")).json()).toMatchObject({ nodeVersion: "24" });
    const old = await create("older", "18");
    expect(old.status).toBe(400);
    expect(await old.json()).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining('"18"') });
    const listed = (await (await app.request("/api/v1/projects/newer", { headers })).json()) as { nodeVersion: string };
    expect(listed.nodeVersion).toBe("24");
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

  it("refuses admin bodies over 1 MB with PAYLOAD_TOO_LARGE, declared or streamed", async () => {
    const app = await setup();
    const headers = { authorization: "Bearer good-token", "content-type": "application/json" };
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024) });
    const declared = await app.request("/api/v1/projects", { method: "POST", headers, body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringContaining("1048576"),
    });
    const bytes = new TextEncoder().encode(big);
    const streamed = await app.request("/api/v1/projects", {
      method: "POST",
      headers,
      duplex: "half",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 65_536) controller.enqueue(bytes.subarray(i, i + 65_536));
          controller.close();
        },
      }),
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // An env import may be larger: this one gets past the limit to the project lookup.
    const envImport = await app.request("/api/v1/projects/nope/env", { method: "POST", headers, body: big });
    expect(await envImport.json()).toMatchObject({ code: "PROJECT_NOT_FOUND" });
  });
});
