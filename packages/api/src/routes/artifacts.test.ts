import { type CoreDeps, type Deployment, deploymentEnv, handleDeployJob, newId, type Project } from "@slipway/core";
import { createMemoryBuilder, createMemoryDeployer } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { goodEntries, rawTar } from "../artifacts/tar-fixture.ts";
import { setupApi } from "../testing/setup-api.ts";
import { signUp } from "../testing/users.ts";

const ADMIN = { authorization: "Bearer good-token" };

async function setup() {
  const api = await setupApi({ openSignUp: true });
  const created = await api.app.request("/api/v1/projects", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ name: "slipway", repo: "https://github.com/acme/slipway.git" }),
  });
  expect(created.status).toBe(201);
  await api.app.request("/api/v1/projects/slipway/env", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ vars: [{ key: "THEME", value: "dark" }] }),
  });
  const blobs = api.deps.blobs;
  if (!blobs) throw new Error("setupApi gives the API a BlobStore");
  const builder = createMemoryBuilder({ blobs });
  const deployer = createMemoryDeployer({ blobs });
  // The steps' ports: the API's own store, queue, blobs and secrets, a builder that must not run.
  const core: CoreDeps = {
    ...api.deps,
    blobs,
    builder,
    deployer,
    statusReporter: null,
    settings: { retainDeployments: 10 },
  };
  const upload = (body: Buffer, headers: Record<string, string> = ADMIN, query = "") =>
    api.app.request(`/api/v1/projects/slipway/deployments/artifact${query}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/gzip" },
      body,
    });
  /** Runs every due pipeline message, as the steps function does. */
  const drain = async () => {
    for (let job = await api.queue.claim(60_000); job; job = await api.queue.claim(60_000)) {
      await handleDeployJob(core, job);
      await api.queue.complete(job.receipt);
    }
  };
  return { ...api, blobs, builder, deployer, upload, drain, core };
}

describe("POST /api/v1/projects/:name/deployments/artifact", () => {
  it("stores the checked archive and the deployment goes to ready without a build, production moved", async () => {
    const { app, store, blobs, builder, deployer, upload, drain, core } = await setup();
    const id = newId();
    const archive = rawTar(goodEntries(id));
    const res = await upload(archive);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id, status: "queued", environment: "production" });
    const stored = await blobs.get(`artifacts/${id}.tar`);
    expect(Buffer.concat((await stored?.toArray()) ?? [])).toEqual(archive);

    await drain();
    const deployment = await store.deployments.get(id);
    expect(deployment).toMatchObject({ status: "ready", trigger: "artifact", artifactKey: `artifacts/${id}.tar` });
    expect(deployment?.commit.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(builder.starts).toEqual([]);
    expect(deployer.activations).toEqual([id]);
    const project = await store.projects.getByName("slipway");
    expect((await store.aliases.production(project?.id as string))?.deploymentId).toBe(id);
    // The project's env is snapshotted with it, as for a git deploy; the API URL the dashboard
    // calls is a system variable of every deployment.
    const env = await app.request(`/api/v1/deployments/${id}/env`, { headers: ADMIN });
    expect(await env.json()).toEqual({ keys: [{ key: "THEME", secret: false }] });
    expect((await deploymentEnv(core, project as Project, deployment as Deployment)).env).toMatchObject({
      THEME: "dark",
      SLIPWAY_API_URL: "http://127.0.0.1:7300",
    });

    // A second upload is a new immutable deployment; rolling back returns to the first.
    const next = newId();
    expect((await upload(rawTar(goodEntries(next)))).status).toBe(202);
    await drain();
    expect((await store.aliases.production(project?.id as string))?.deploymentId).toBe(next);
    const back = await app.request("/api/v1/projects/slipway/rollback", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({}),
    });
    expect(back.status).toBe(200);
    expect((await store.aliases.production(project?.id as string))?.deploymentId).toBe(id);
  });

  it("refuses a bad archive naming the entry, and stores nothing", async () => {
    const { upload, blobs, store } = await setup();
    const id = newId();
    const res = await upload(rawTar([...goodEntries(id), { path: "../../etc/passwd", body: "x" }]));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: "INVALID_ARTIFACT",
      message: 'The artifact entry "../../etc/passwd" steps out of the artifact with ...',
    });
    expect(await blobs.list("artifacts/")).toEqual([]);
    expect(await store.deployments.get(id)).toBeNull();
  });

  it("refuses a manifest id that is not new or not an id", async () => {
    const { upload } = await setup();
    const id = newId();
    expect((await upload(rawTar(goodEntries(id)))).status).toBe(202);
    const again = await upload(rawTar(goodEntries(id)));
    expect(await again.json()).toMatchObject({
      code: "INVALID_ARTIFACT",
      message: `Deployment ${id} already exists: an artifact is deployed once.`,
    });
    const odd = await upload(rawTar(goodEntries("../x")));
    expect(await odd.json()).toMatchObject({ code: "INVALID_ARTIFACT", message: expect.stringContaining('"../x"') });
  });

  it("is for the admin token only; a team's owner is refused and another team sees no project", async () => {
    const { app, upload } = await setup();
    const owner = await signUp(app, "ada@example.com");
    const archive = rawTar(goodEntries(newId()));
    const session = { cookie: owner.cookie, origin: "http://127.0.0.1:7300" };
    const refused = await upload(archive, session);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "FORBIDDEN" });
    const outsider = await signUp(app, "eve@example.com");
    expect((await upload(archive, { cookie: outsider.cookie, origin: "http://127.0.0.1:7300" })).status).toBe(404);
  });
});
