import { savedReadyDeployment } from "@slipway/core/contracts";
import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";

const headers = { authorization: "Bearer good-token", "content-type": "application/json" };
const canaryWatch = { name: "test", watch: async () => undefined, unwatch: async () => undefined };

/** A project with two ready production deployments, "stable" in production. */
async function site() {
  const { app, store } = await setupApi({ canaryWatch });
  const call = (method: string, path: string, body?: unknown) =>
    app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const created = await call("POST", "/api/v1/projects", { name: "shop", repo: "https://github.com/acme/shop.git" });
  const { id: projectId } = (await created.json()) as { id: string };
  for (const [i, id] of ["stable", "next"].entries()) {
    await savedReadyDeployment(store, projectId, {
      id,
      commit: { sha: `${i}`.repeat(40), branch: "main", message: null, author: null },
      artifactKey: `artifacts/${id}.tar`,
      createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
    });
  }
  expect((await call("POST", "/api/v1/deployments/stable/promote")).status).toBe(200);
  return call;
}

describe("the running canary in the project's answers", () => {
  it("is null without one, shown while it runs (project and sites list), and gone once cancelled", async () => {
    const call = await site();
    const project = async () => (await call("GET", "/api/v1/projects/shop")).json();
    expect(await project()).toMatchObject({ name: "shop", canary: null });

    expect((await call("POST", "/api/v1/deployments/next/promote", { canary: 10 })).status).toBe(200);
    const running = {
      deploymentId: "next",
      percent: 10,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      productionDeploymentId: "stable",
    };
    expect(await project()).toMatchObject({ canary: running });
    const sites = await call("GET", "/api/v1/projects?deployments=1");
    expect(await sites.json()).toMatchObject([{ name: "shop", canary: running }]);

    // Re-weighing keeps when it started.
    const { canary: first } = (await project()) as { canary: { startedAt: string } };
    await call("POST", "/api/v1/deployments/next/promote", { canary: 50 });
    expect(await project()).toMatchObject({ canary: { percent: 50, startedAt: first.startedAt } });

    await call("POST", "/api/v1/projects/shop/rollback", {});
    expect(await project()).toMatchObject({ canary: null });
  });
});
