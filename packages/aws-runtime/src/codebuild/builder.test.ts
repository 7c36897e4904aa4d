import { buildRequest, runBuilderContract } from "@slipway/core/contracts";
import { createMemoryBlobStore } from "@slipway/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mockCodeBuild } from "../test-support/fake-codebuild.ts";
import { BUILD_REQUEST_KEY_VARIABLE, createCodeBuildBuilder } from "./builder.ts";

// The Builder contract on CodeBuild, mocked at the SDK; requests wait in an in-memory BlobStore.
const requests = createMemoryBlobStore();
let codebuild: ReturnType<typeof mockCodeBuild>;
beforeAll(() => {
  codebuild = mockCodeBuild(requests);
});
afterAll(() => codebuild.restore());

const client = { region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const create = () => createCodeBuildBuilder({ projectName: "slipway-build", client, requests });

runBuilderContract({ name: "codebuild", create: async () => create(), settleMs: 2_000 });

describe("CodeBuild builder", () => {
  it("keeps the env (and its secrets) out of CodeBuild's API: the build gets only the request's key", async () => {
    const request = { ...buildRequest("hang"), env: { MODE: "hang", DATABASE_URL: "postgres://u:secret@db/x" } };
    const handle = await create().start(request);
    const { BatchGetBuildsCommand, CodeBuildClient } = await import("@aws-sdk/client-codebuild");
    const { builds = [] } = await new CodeBuildClient(client).send(new BatchGetBuildsCommand({ ids: [handle] }));
    const env = builds[0]?.environment?.environmentVariables ?? [];
    expect(env.map((v) => v.name)).toEqual([BUILD_REQUEST_KEY_VARIABLE]);
    expect(JSON.stringify(builds)).not.toContain("secret");
    await create().cancel(handle);
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
