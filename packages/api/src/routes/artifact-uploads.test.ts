import { type CoreDeps, handleDeployJob, newId } from "@slipway/core";
import { createMemoryBuilder, createMemoryDeployer } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { goodEntries, rawTar } from "../artifacts/tar-fixture.ts";
import { setupApi } from "../testing/setup-api.ts";
import { createUploadingBlobStore } from "../testing/uploading-blobs.ts";
import { signUp } from "../testing/users.ts";

const ADMIN = { authorization: "Bearer good-token" };
const UPLOADS = "/api/v1/projects/slipway/deployments/artifact/uploads";

async function setup(blobStore = createUploadingBlobStore()) {
  const api = await setupApi({ openSignUp: true, blobs: blobStore.blobs });
  const created = await api.app.request("/api/v1/projects", {
    method: "POST",
    headers: { ...ADMIN, "content-type": "application/json" },
    body: JSON.stringify({ name: "slipway", repo: "https://github.com/acme/slipway.git" }),
  });
  expect(created.status).toBe(201);
  const blobs = blobStore.blobs;
  const core: CoreDeps = {
    ...api.deps,
    blobs,
    builder: createMemoryBuilder({ blobs }),
    deployer: createMemoryDeployer({ blobs }),
    statusReporter: null,
    settings: { retainDeployments: 10 },
  };
  const post = (path: string, headers: Record<string, string> = ADMIN) =>
    api.app.request(path, { method: "POST", headers });
  /** Step 1, the PUT to the URL, step 2: what the CLI does. */
  const uploadInTwoSteps = async (archive: Buffer, query = "") => {
    const offered = await post(UPLOADS);
    expect(offered.status).toBe(201);
    const { uploadId, url } = (await offered.json()) as { uploadId: string; url: string };
    await blobStore.putTo(url, archive);
    return { uploadId, res: await post(`${UPLOADS}/${uploadId}${query}`) };
  };
  const drain = async () => {
    for (let job = await api.queue.claim(60_000); job; job = await api.queue.claim(60_000)) {
      await handleDeployJob(core, job);
      await api.queue.complete(job.receipt);
    }
  };
  return { ...api, blobs, post, uploadInTwoSteps, drain };
}

describe("the two-step artifact upload (a BlobStore with upload URLs)", () => {
  it("offers a URL for a staged key, then checks, stores and queues the staged archive and deletes it", async () => {
    const { store, blobs, post, uploadInTwoSteps, drain } = await setup();
    const offered = await post(UPLOADS);
    expect(offered.status).toBe(201);
    const offer = (await offered.json()) as { uploadId: string; url: string; headers: object; expiresAt: string };
    expect(offer).toEqual({
      uploadId: expect.stringMatching(/^[0-9a-z]{20}$/),
      url: `https://bucket.test/uploads/${offer.uploadId}.tar?expires=900`,
      headers: { "x-test": "signed" },
      expiresAt: expect.any(String),
    });
    expect(Date.parse(offer.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

    const id = newId();
    const archive = rawTar(goodEntries(id));
    const { res } = await uploadInTwoSteps(archive, "?environment=production&message=dashboard");
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id, status: "queued", environment: "production" });
    const stored = await blobs.get(`artifacts/${id}.tar`);
    expect(Buffer.concat((await stored?.toArray()) ?? [])).toEqual(archive);
    expect(await blobs.list("uploads/")).toEqual([]);
    await drain();
    expect(await store.deployments.get(id)).toMatchObject({ status: "ready", commit: { message: "dashboard" } });
  });

  it("refuses a bad staged archive naming the entry, stores nothing and deletes the staged object", async () => {
    const { store, blobs, uploadInTwoSteps, post } = await setup();
    const id = newId();
    const { uploadId, res } = await uploadInTwoSteps(
      rawTar([...goodEntries(id), { path: "../../etc/passwd", body: "x" }]),
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: "INVALID_ARTIFACT",
      message: 'The artifact entry "../../etc/passwd" steps out of the artifact with ...',
    });
    expect(await blobs.list("artifacts/")).toEqual([]);
    expect(await blobs.list("uploads/")).toEqual([]);
    expect(await store.deployments.get(id)).toBeNull();
    // Used once: finishing it again finds nothing.
    const again = await post(`${UPLOADS}/${uploadId}`);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining(uploadId) });
  });

  it("answers 404 for an upload never PUT or an id that is not one", async () => {
    const { post } = await setup();
    expect((await post(`${UPLOADS}/${newId(20)}`)).status).toBe(404);
    expect(await (await post(`${UPLOADS}/..%2Fartifacts%2Fx`)).json()).toMatchObject({ code: "NOT_FOUND" });
  });

  it("is for the admin token only", async () => {
    const { app, post } = await setup();
    const owner = await signUp(app, "ada@example.com");
    const res = await post(UPLOADS, { cookie: owner.cookie, origin: "http://127.0.0.1:7300" });
    expect(res.status).toBe(403);
  });

  it("does not exist where the BlobStore hands out no upload URLs (the CLI then uploads directly)", async () => {
    const api = await setupApi();
    await api.app.request("/api/v1/projects", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json" },
      body: JSON.stringify({ name: "slipway", repo: "https://github.com/acme/slipway.git" }),
    });
    const res = await api.app.request(UPLOADS, { method: "POST", headers: ADMIN });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND", message: `No route for POST ${UPLOADS}.` });
  });
});
