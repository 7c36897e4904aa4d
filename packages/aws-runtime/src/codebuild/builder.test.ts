import { buildRequest, runBuilderContract } from "@slipway/core/contracts";
import { createMemoryBlobStore } from "@slipway/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Presigner } from "../s3/presigner.ts";
import { mockCodeBuild } from "../test-support/fake-codebuild.ts";
import { BUILD_VARIABLES, buildResultKey } from "./build-variables.ts";
import { createCodeBuildBuilder } from "./builder.ts";

// The Builder contract on CodeBuild, mocked at the SDK; requests wait in an in-memory BlobStore.
const requests = createMemoryBlobStore();
let codebuild: ReturnType<typeof mockCodeBuild>;
beforeAll(() => {
  codebuild = mockCodeBuild(requests);
});
afterAll(() => codebuild.restore());

const client = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
// Signing is local (no request is sent): static test credentials are enough.
const presign = {
  requests: createS3Presigner({ bucket: "artifacts", client }),
  caches: createS3Presigner({ bucket: "caches", client }),
};
const create = () => createCodeBuildBuilder({ projectName: "slipway-build", client, requests, presign });
const buildEnvOf = async (handle: string) => {
  const { BatchGetBuildsCommand, CodeBuildClient } = await import("@aws-sdk/client-codebuild");
  const { builds = [] } = await new CodeBuildClient(client).send(new BatchGetBuildsCommand({ ids: [handle] }));
  return { builds, env: builds[0]?.environment?.environmentVariables ?? [] };
};

runBuilderContract({ name: "codebuild", create: async () => create(), settleMs: 2_000 });

describe("CodeBuild builder", () => {
  it("keeps the env (and its secrets) out of CodeBuild's API: the build gets keys and presigned URLs", async () => {
    const request = { ...buildRequest("hang"), env: { MODE: "hang", DATABASE_URL: "postgres://u:secret@db/x" } };
    const handle = await create().start(request);
    const { builds, env } = await buildEnvOf(handle);
    expect(env.map((v) => v.name).sort()).toEqual(Object.values(BUILD_VARIABLES).sort());
    expect(JSON.stringify(builds)).not.toContain("secret");
    const value = (name: string) => env.find((v) => v.name === name)?.value ?? "";
    const target = (name: string) => {
      const url = new URL(value(name));
      return `${url.hostname.split(".")[0]}${url.pathname} ${url.searchParams.get("X-Amz-Expires")}`;
    };
    // Each URL is for exactly this deployment's objects, or its project's cache, and expires.
    const id = request.deploymentId;
    expect(target(BUILD_VARIABLES.requestUrl)).toBe(`artifacts/build-requests/${id}/request.json 10800`);
    expect(target(BUILD_VARIABLES.resultUrl)).toBe(`artifacts/build-requests/${id}/result.json 10800`);
    expect(target(BUILD_VARIABLES.artifactUrl)).toBe(`artifacts/artifacts/${id}.tar 10800`);
    expect(value(BUILD_VARIABLES.artifactKey)).toBe(`artifacts/${id}.tar`);
    expect(target(BUILD_VARIABLES.cacheGetUrl)).toBe(`caches/projects/${request.projectId}/build-cache.tar.gz 10800`);
    expect(target(BUILD_VARIABLES.cachePutUrl)).toBe(`caches/projects/${request.projectId}/build-cache.tar.gz 10800`);
    await create().cancel(handle);
  });

  it("a failed build's reason is the one the builder wrote, not CodeBuild's exit status", async () => {
    const request = { ...buildRequest("fail"), deploymentId: "dpl_reason" };
    const handle = await create().start(request);
    const reason = "install failed: npm ci exited with 1 (log line 12)";
    await requests.put(buildResultKey(request.deploymentId), Buffer.from(JSON.stringify({ ok: false, reason })));
    expect(await create().status(handle)).toEqual({ state: "failed", reason });
  });

  it("without the builder's result (it died first), the failed phase's message is the reason", async () => {
    const handle = await create().start({ ...buildRequest("fail"), deploymentId: "dpl_noresult" });
    const status = await create().status(handle);
    expect(status).toEqual({ state: "failed", reason: expect.stringContaining("next build exited with status 1") });
  });

  it("a start redelivered after CodeBuild forgot the token still finds the recorded build", async () => {
    const request = buildRequest("hang");
    const first = await create().start(request);
    const startedBefore = codebuild.started.length;
    codebuild.forgetTokens();
    // A fresh builder (another Lambda) has no memory of its own: the record beside the request answers.
    expect(await create().start(request)).toBe(first);
    expect(codebuild.started.length).toBe(startedBefore);
    await create().cancel(first);
  });
});
