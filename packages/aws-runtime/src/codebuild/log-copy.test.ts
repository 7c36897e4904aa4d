import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { Build } from "@aws-sdk/client-codebuild";
import { createMemoryBlobStore, createMemoryLogStore } from "@slipway/memory";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, describe, expect, it } from "vitest";
import { formatLogLine } from "../codebuild-runner/log-lines.ts";
import { createBuildLogCopy } from "./log-copy.ts";

// CloudWatch Logs at the SDK: one stream that grows between polls, paged by forward tokens the
// way GetLogEvents pages (the same token back at the end of the stream).
const stream: string[] = [];
const cloudwatch = mockClient(CloudWatchLogsClient);
cloudwatch.on(GetLogEventsCommand).callsFake((input) => {
  const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
  const to = Math.min(stream.length, from + 2);
  return {
    events: stream.slice(from, to).map((message, i) => ({ message: `${message}\n`, timestamp: from + i })),
    nextForwardToken: `f/${to}`,
  };
});
afterAll(() => cloudwatch.restore());

const build: Build = { id: "slipway-build:x", logs: { groupName: "/aws/codebuild/slipway", streamName: "x" } };
const line = (text: string) => formatLogLine({ at: "2026-12-01T03:00:00.000Z", stream: "system", text });

describe("copying a CodeBuild build's log into the LogStore", () => {
  it("takes the builder's marked lines only, and each poll only what is new", async () => {
    const logs = createMemoryLogStore();
    const copy = createBuildLogCopy({ client: { region: "us-east-1" }, logs, cursors: createMemoryBlobStore() });
    stream.push("[Container] 2026/12/01 03:00:00 Running command node index.mjs", line("▶ one"), line("two"));
    stream.push('{"slipway.log":1,"at":"x","stream":"nope","text":"forged stream"}', line("three"));

    expect(await copy("dpl_1", build)).toBe(3);
    stream.push(line("four"), "[Container] 2026/12/01 03:01:00 Phase complete: BUILD State: SUCCEEDED");
    expect(await copy("dpl_1", build)).toBe(1);
    expect(await copy("dpl_1", build)).toBe(0);

    const texts = (await logs.read("dpl_1")).map((l) => l.text);
    expect(texts).toEqual(["▶ one", "two", "three", "four"]);
  });

  it("copies nothing for a build that has no log stream yet", async () => {
    const logs = createMemoryLogStore();
    const copy = createBuildLogCopy({ client: { region: "us-east-1" }, logs, cursors: createMemoryBlobStore() });
    expect(await copy("dpl_2", { id: "slipway-build:y" })).toBe(0);
  });
});
