import { describe, expect, it } from "vitest";
import { world } from "../testing/world.ts";
import { API_ROUTES } from "./openapi.ts";

describe("the documented responses", () => {
  it("match what every read route answers its owner, field for field", async () => {
    const { ada, pathFor } = await world();
    const checked: string[] = [];
    for (const [path, ops] of Object.entries(API_ROUTES)) {
      const op = ops.get;
      if (!op || op.public || typeof op.response === "string") continue;
      const response = await ada.request(pathFor(path));
      expect({ path, status: response.status }).toEqual({ path, status: op.status ?? 200 });
      const parsed = op.response.safeParse(await response.json());
      expect({ path, issues: parsed.error?.issues ?? [] }).toEqual({ path, issues: [] });
      checked.push(path);
    }
    expect(checked.length).toBeGreaterThan(10);
  });

  it("match what the creating routes answer", async () => {
    const { ada, pathFor } = await world();
    const bodies: Record<string, unknown> = {
      "/api/v1/projects": { name: "blog", repo: "https://github.com/a/blog.git" },
      "/api/v1/teams": { name: "Ops" },
      "/api/v1/tokens": { name: "deploy-bot", role: "member", expiresInDays: 30 },
      "/api/v1/teams/{team}/invitations": { role: "viewer" },
      "/api/v1/projects/{name}/env": { vars: [{ key: "SECRET_KEY", value: "s", secret: true }] },
    };
    for (const [path, body] of Object.entries(bodies)) {
      const op = API_ROUTES[path]?.post;
      if (!op || typeof op.response === "string") throw new Error(`${path} is not documented with a schema`);
      const response = await ada.request(pathFor(path), { method: "POST", body });
      expect({ path, status: response.status }).toEqual({ path, status: op.status ?? 200 });
      const parsed = op.response.safeParse(await response.json());
      expect({ path, issues: parsed.error?.issues ?? [] }).toEqual({ path, issues: [] });
    }
  });

  it("are JSON Schema in the served document, not bare objects", async () => {
    const { app } = await world();
    const document = (await (await app.request("/api/v1/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    const create = document.paths["/api/v1/projects"]?.post;
    expect(create?.requestBody?.content["application/json"]?.schema).toMatchObject({
      type: "object",
      required: ["name", "repo"],
      properties: { name: { type: "string" }, team: { type: "string" } },
    });
    const list = document.paths["/api/v1/projects/{name}/deployments"]?.get as { parameters?: unknown[] } | undefined;
    expect(list?.parameters).toEqual([
      expect.objectContaining({ name: "name", in: "path", required: true }),
      expect.objectContaining({ name: "limit", in: "query", required: false }),
      expect.objectContaining({ name: "before", in: "query", required: false }),
      expect.objectContaining({ name: "environment", in: "query", required: false }),
      expect.objectContaining({ name: "status", in: "query", required: false }),
    ]);
  });
});
