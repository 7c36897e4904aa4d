import { randomUUID } from "node:crypto";
import {
  BatchGetBuildsCommand,
  type Build,
  CodeBuildClient,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
import type { BlobStore, BuildRequest } from "@slipway/core";
import { mockClient } from "aws-sdk-client-mock";
import { ARTIFACT_KEY_VARIABLE, BUILD_REQUEST_KEY_VARIABLE } from "../codebuild/builder.ts";

/**
 * CodeBuild at the SDK (aws-sdk-client-mock), as the Builder contract's rig: a build reads its
 * request from `requests` (the key in its env, as the build spec does) and ends on its first
 * status poll by `request.env.MODE`: `succeed` exports an artifact key, `fail` fails in BUILD,
 * `hang` runs until StopBuild. StartBuild honours the idempotency token, as CodeBuild does.
 */
export function mockCodeBuild(requests: BlobStore): {
  restore(): void;
  /** Build ids, once per build really started. */
  readonly started: string[];
  /** CodeBuild keeps an idempotency token for 5 minutes: this is those minutes passing. */
  forgetTokens(): void;
} {
  const builds = new Map<string, Build & { mode?: string }>();
  const byToken = new Map<string, string>();
  const started: string[] = [];
  const fail = (name: string) => Object.assign(new Error(name), { name });

  const settle = async (build: Build & { mode?: string }) => {
    if (build.buildStatus !== "IN_PROGRESS") return;
    if (build.mode === undefined) {
      const key = build.environment?.environmentVariables?.find((v) => v.name === BUILD_REQUEST_KEY_VARIABLE)?.value;
      const stream = key ? await requests.get(key) : null;
      const chunks: Buffer[] = [];
      for await (const chunk of stream ?? []) chunks.push(Buffer.from(chunk));
      build.mode = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as BuildRequest).env.MODE : "fail";
    }
    if (build.mode === "hang") return;
    if (build.mode === "fail") {
      build.buildStatus = "FAILED";
      build.phases = [
        {
          phaseType: "BUILD",
          phaseStatus: "FAILED",
          contexts: [{ statusCode: "COMMAND_EXECUTION_ERROR", message: "next build exited with status 1" }],
        },
      ];
      return;
    }
    build.buildStatus = "SUCCEEDED";
    build.exportedEnvironmentVariables = [{ name: ARTIFACT_KEY_VARIABLE, value: `artifacts/${build.id}.tar` }];
  };

  const codebuild = mockClient(CodeBuildClient);
  codebuild.on(StartBuildCommand).callsFake((input) => {
    const token = input.idempotencyToken;
    const existing = token ? byToken.get(token) : undefined;
    if (existing) return { build: builds.get(existing) };
    const id = `${input.projectName}:${randomUUID()}`;
    const build: Build = {
      id,
      buildStatus: "IN_PROGRESS",
      environment: {
        type: "LINUX_CONTAINER",
        image: "x",
        computeType: "BUILD_GENERAL1_SMALL",
        environmentVariables: input.environmentVariablesOverride,
      },
    };
    builds.set(id, build);
    if (token) byToken.set(token, id);
    started.push(id);
    return { build };
  });
  codebuild.on(BatchGetBuildsCommand).callsFake(async (input) => {
    const found: Build[] = [];
    const buildsNotFound: string[] = [];
    for (const id of input.ids ?? []) {
      const build = builds.get(id);
      if (!build) {
        buildsNotFound.push(id);
        continue;
      }
      await settle(build);
      const { mode: _, ...visible } = build;
      found.push(structuredClone(visible));
    }
    return { builds: found, buildsNotFound };
  });
  codebuild.on(StopBuildCommand).callsFake((input) => {
    const build = builds.get(String(input.id));
    if (!build) throw fail("ResourceNotFoundException");
    if (build.buildStatus !== "IN_PROGRESS") throw fail("InvalidInputException");
    build.buildStatus = "STOPPED";
    return { build };
  });
  return { restore: () => codebuild.restore(), started, forgetTokens: () => byToken.clear() };
}
