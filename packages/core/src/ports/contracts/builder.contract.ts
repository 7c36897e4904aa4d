import { expect } from "vitest";
import type { Builder, BuildRequest, BuildStatus } from "../builder.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

/**
 * How the adapter's test rig must run a build: by `request.env.MODE`, `succeed` (ends with an
 * artifact), `fail` (ends with a reason) or `hang` (runs until canceled). Real builds are for the
 * integration tests; this suite checks the port's promises around them.
 */
export type BuildMode = "succeed" | "fail" | "hang";

export interface BuilderContractOptions extends ContractOptions<Builder> {
  /** How long a `succeed` or `fail` build may take to settle in this rig. Default 20 s. */
  settleMs?: number;
}

let counter = 0;
export function buildRequest(mode: BuildMode, deploymentId = `d${Date.now().toString(36)}${++counter}`): BuildRequest {
  return {
    deploymentId,
    projectId: "p1",
    repoUrl: "https://example.invalid/repo.git",
    repoCredential: null,
    sha: "a".repeat(40),
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    nodeVersion: "22",
    env: { MODE: mode },
    mask: [],
  };
}

/** The Builder contract: the supervised child, the in-process builder, CodeBuild… run these. */
export function runBuilderContract(options: BuilderContractOptions): void {
  const settleMs = options.settleMs ?? 20_000;
  // Polls until the build leaves `running`: a condition with a deadline, never a fixed sleep.
  const settled = async (builder: Builder, handle: string): Promise<BuildStatus> => {
    const deadline = Date.now() + settleMs;
    for (;;) {
      const status = await builder.status(handle);
      if (status.state !== "running" || Date.now() > deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  defineContract<Builder>(
    "Builder",
    options,
    async () => {},
    (test) => {
      test("start returns a handle whose build runs, then succeeds with an artifact", async (builder) => {
        const handle = await builder.start(buildRequest("succeed"));
        expect(handle).toBeTypeOf("string");
        expect(handle).not.toBe("");
        const status = await settled(builder, handle);
        expect(status).toMatchObject({ state: "succeeded", artifactKey: expect.any(String) });
      });

      test("a failing build ends failed with a reason", async (builder) => {
        const handle = await builder.start(buildRequest("fail"));
        const status = await settled(builder, handle);
        expect(status.state).toBe("failed");
        expect(status.state === "failed" && status.reason).toBeTruthy();
      });

      test("a hanging build reports running", async (builder) => {
        const handle = await builder.start(buildRequest("hang"));
        expect(await builder.status(handle)).toEqual({ state: "running" });
        await builder.cancel(handle);
      });

      test("start twice for one deployment returns the same handle and never a second build", async (builder) => {
        const request = buildRequest("hang");
        const [first, second] = await Promise.all([builder.start(request), builder.start(request)]);
        expect(second).toBe(first);
        expect(await builder.start(request)).toBe(first);
        await builder.cancel(first);
        const ended = await settled(builder, first);
        // Had a second build started, it would still run (or its result replace the canceled one).
        expect(ended.state === "failed" || ended.state === "lost").toBe(true);
        expect(await builder.start(request)).toBe(first);
        expect((await builder.status(first)).state).toBe(ended.state);
      });

      test("a finished build is not started again", async (builder) => {
        const request = buildRequest("succeed");
        const handle = await builder.start(request);
        const done = await settled(builder, handle);
        expect(await builder.start({ ...request, env: { MODE: "fail" } })).toBe(handle);
        expect(await settled(builder, handle)).toEqual(done);
      });

      test("cancel ends a running build failed (canceled) or lost, and is idempotent", async (builder) => {
        const handle = await builder.start(buildRequest("hang"));
        await builder.cancel(handle);
        await builder.cancel(handle);
        const ended = await settled(builder, handle);
        if (ended.state === "failed") expect(ended.reason).toMatch(/cancel/);
        else expect(ended.state).toBe("lost");
        await builder.cancel(handle);
        expect((await builder.status(handle)).state).toBe(ended.state);
      });

      test("cancel of a finished build changes nothing", async (builder) => {
        const handle = await builder.start(buildRequest("succeed"));
        const done = await settled(builder, handle);
        await builder.cancel(handle);
        expect(await builder.status(handle)).toEqual(done);
      });

      test("an unknown handle is lost, and canceling it is a no-op", async (builder) => {
        for (const handle of ["never-started", "../../etc/passwd", ""]) {
          expect((await builder.status(handle)).state, handle).toBe("lost");
          await expect(builder.cancel(handle)).resolves.toBeUndefined();
        }
      });
    },
  );
}
