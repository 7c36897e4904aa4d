import { deployment } from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../routes/openapi.ts";
import { setupApi } from "../testing/setup-api.ts";
import { signUp, type TestUser } from "../testing/users.ts";

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
]);
/** Another user's own things: anyone else, even in the same team, is answered 404. */
const ANOTHER_USERS = new Set(["DELETE /api/v1/tokens/{id}"]);
/** Reads a viewer may not make: the development env file holds secret values. */
const MEMBER_READS = new Set(["GET /api/v1/projects/{name}/env/pull"]);

async function world() {
  const { app, store } = await setupApi({ openSignUp: true });
  const ada = await signUp(app, "ada@example.com");
  const adaTeam = ((await (await ada.request("/api/v1/teams")).json()) as { id: string }[])[0]?.id as string;
  await ada.request("/api/v1/projects", { method: "POST", body: { name: "shop", repo: "https://github.com/a/s.git" } });
  await ada.request("/api/v1/projects/shop/env", { method: "POST", body: { vars: [{ key: "API_URL", value: "x" }] } });
  const project = await store.projects.getByName("shop");
  const d = deployment(project?.id as string);
  await store.deployments.create(d);
  const invite = await ada.request(`/api/v1/teams/${adaTeam}/invitations`, {
    method: "POST",
    body: { role: "viewer" },
  });
  const { token: viewerInvite } = (await invite.json()) as { token: string };
  const spare = await ada.request(`/api/v1/teams/${adaTeam}/invitations`, { method: "POST", body: {} });
  const { id: invitationId } = (await spare.json()) as { id: string };
  const created = await ada.request("/api/v1/tokens", { method: "POST", body: { name: "laptop" } });
  const { id: tokenId } = (await created.json()) as { id: string };
  const vic = await signUp(app, "vic@example.com", viewerInvite);
  const eve = await signUp(app, "eve@example.com");
  const params: Record<string, string> = {
    name: "shop",
    id: d.id,
    key: "API_URL",
    team: adaTeam,
    user: ada.id,
  };
  const pathFor = (path: string) =>
    path
      .replace("/invitations/{id}", `/invitations/${invitationId}`)
      .replace("/tokens/{id}", `/tokens/${tokenId}`)
      .replace(/\{(\w+)\}/g, (_, p: string) => params[p] as string);
  return { app, ada, vic, eve, pathFor, store };
}

const routes = Object.entries(openApiDocument.paths).flatMap(([path, ops]) =>
  Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path, route: `${method.toUpperCase()} ${path}` })),
);

async function call(user: TestUser, method: string, path: string) {
  return user.request(path, { method, ...(method === "GET" || method === "DELETE" ? {} : { body: {} }) });
}

describe("the team boundary on every route of the OpenAPI document", () => {
  it("answers a user of another team 404 (403 for admin routes) on every route that is not their own", async () => {
    const { eve, pathFor } = await world();
    const checked: string[] = [];
    for (const { method, path, route } of routes) {
      if (PUBLIC.has(route) || OWN.has(route)) continue;
      const response = await call(eve, method, pathFor(path));
      const expected = path.startsWith("/api/v1/admin/") ? 403 : 404;
      expect({ route, status: response.status }).toEqual({ route, status: expected });
      checked.push(route);
    }
    expect(checked.length).toBeGreaterThan(15);
    // Their own routes show them nothing of the other team.
    const projects = (await (await eve.request("/api/v1/projects")).json()) as unknown[];
    expect(projects).toEqual([]);
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
      const response = await call(vic, method, pathFor(path));
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
