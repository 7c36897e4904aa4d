import { describe, expect, it } from "vitest";
import { openApiDocument } from "../routes/openapi.ts";
import type { TestUser } from "../testing/users.ts";
import { world } from "../testing/world.ts";

/**
 * Every route of the OpenAPI document, tried as a user of another team and as a viewer of the
 * owner's team. A new route is covered the moment it is documented (and app.test.ts makes sure it
 * is): unless it is listed below as acting on the caller's own things, it must refuse both.
 */
const PUBLIC = new Set([
  "GET /api/v1/health",
  "GET /api/v1/openapi.json",
  "POST /api/v1/webhooks/github/{projectId}",
  "POST /api/auth/sign-up/email",
  "POST /api/auth/sign-in/email",
  "POST /api/auth/sign-out",
  "GET /api/auth/get-session",
]);
/** Routes about the caller's own account: allowed to anyone signed in, checked for leaks below. */
const OWN = new Set([
  "GET /api/v1/me",
  "GET /api/v1/teams",
  "POST /api/v1/teams",
  "GET /api/v1/tokens",
  "POST /api/v1/tokens",
  "POST /api/v1/invitations/accept",
  "GET /api/v1/projects",
  "POST /api/v1/projects",
  "GET /api/v1/domains",
]);
/** Another user's own things: anyone else, even in the same team, is answered 404. */
const ANOTHER_USERS = new Set(["DELETE /api/v1/tokens/{id}"]);
/** Reads a viewer may not make: the development env file holds secret values. */
const MEMBER_READS = new Set(["GET /api/v1/projects/{name}/env/pull"]);

const routes = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
  Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path, route: `${method.toUpperCase()} ${path}` })),
);

/** Routes that name the project in their body, not their path: the body names Ada's. */
const BODIES: Record<string, unknown> = {
  "POST /api/v1/domains": { hostname: "new.example.com", project: "shop" },
};

async function call(user: TestUser, method: string, path: string, route: string) {
  const body = BODIES[route] ?? {};
  return user.request(path, { method, ...(method === "GET" || method === "DELETE" ? {} : { body }) });
}

describe("the team boundary on every route of the OpenAPI document", () => {
  it("answers a user of another team 404 (403 for admin routes) on every route that is not their own", async () => {
    const { eve, pathFor } = await world();
    const checked: string[] = [];
    for (const { method, path, route } of routes) {
      if (PUBLIC.has(route) || OWN.has(route)) continue;
      const response = await call(eve, method, pathFor(path), route);
      const expected = path.startsWith("/api/v1/admin/") ? 403 : 404;
      expect({ route, status: response.status }).toEqual({ route, status: expected });
      checked.push(route);
    }
    expect(checked.length).toBeGreaterThan(15);
    // Their own routes show them nothing of the other team.
    const projects = (await (await eve.request("/api/v1/projects")).json()) as unknown[];
    expect(projects).toEqual([]);
    expect(await (await eve.request("/api/v1/domains")).json()).toEqual([]);
    const teams = (await (await eve.request("/api/v1/teams")).json()) as { role: string }[];
    expect(teams).toHaveLength(1);
    const tokens = (await (await eve.request("/api/v1/tokens")).json()) as unknown[];
    expect(tokens).toEqual([]);
    const elsewhere = await eve.request("/api/v1/projects", {
      method: "POST",
      body: { name: "mine", repo: "https://github.com/e/m.git", team: pathFor("{team}") },
    });
    expect(elsewhere.status).toBe(404);
  });

  it("lets a viewer read and refuses every change with 403 naming the role needed", async () => {
    const { vic, pathFor } = await world();
    for (const { method, path, route } of routes) {
      if (PUBLIC.has(route) || OWN.has(route)) continue;
      const response = await call(vic, method, pathFor(path), route);
      if (ANOTHER_USERS.has(route)) {
        expect({ route, status: response.status }).toEqual({ route, status: 404 });
      } else if (method === "GET" && !MEMBER_READS.has(route) && !path.includes("/invitations")) {
        expect({ route, status: response.status }).toEqual({ route, status: 200 });
      } else {
        expect({ route, status: response.status }).toEqual({ route, status: 403 });
        const body = (await response.json()) as { code: string; message: string };
        expect(body.code).toBe("FORBIDDEN");
      }
    }
  });
});
