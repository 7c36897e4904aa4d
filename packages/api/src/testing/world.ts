import { deployment } from "@slipway/core/contracts";
import { setupApi } from "./setup-api.ts";
import { signUp } from "./users.ts";

/**
 * Ada owns a team with project "shop" (an env var, a deployment, a custom domain), two open invitations and an API
 * token; Vic joined her team as a viewer by link; Eve signed up with a team of her own.
 * `pathFor` fills a documented path's parameters with Ada's things.
 */
export async function world() {
  const { app, store } = await setupApi({
    openSignUp: true,
    settings: { retainDeployments: 10, domains: { addresses: ["203.0.113.7"] } },
  });
  const ada = await signUp(app, "ada@example.com");
  const adaTeam = ((await (await ada.request("/api/v1/teams")).json()) as { id: string }[])[0]?.id as string;
  await ada.request("/api/v1/projects", { method: "POST", body: { name: "shop", repo: "https://github.com/a/s.git" } });
  await ada.request("/api/v1/projects/shop/env", { method: "POST", body: { vars: [{ key: "API_URL", value: "x" }] } });
  await ada.request("/api/v1/domains", { method: "POST", body: { hostname: "shop.example.com", project: "shop" } });
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
    hostname: "shop.example.com",
  };
  const pathFor = (path: string) =>
    path
      .replace("/invitations/{id}", `/invitations/${invitationId}`)
      .replace("/tokens/{id}", `/tokens/${tokenId}`)
      .replace(/\{(\w+)\}/g, (_, p: string) => params[p] as string);
  return { app, ada, vic, eve, pathFor, store };
}
