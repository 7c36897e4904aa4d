import { afterEach, describe, expect, it, vi } from "vitest";
import { startTestApi, type TestApi } from "../test-support/api-server.ts";

let api: TestApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

describe("slipway logs --follow", () => {
  it("gets every line exactly once, in order, across streams the API ends after 200 ms", async () => {
    const server = await startTestApi({ logStreamMaxMs: 200 });
    api = server;
    await api.createDeployment("dpl_follow");
    await api.createDeployment("dpl_other");
    const line = (text: string) => ({ at: new Date().toISOString(), stream: "stdout" as const, text });
    const expected: string[] = [];
    const follow = api.cli(["logs", "dpl_follow", "--follow"]);

    // Each batch lands after the API ended the previous stream, so the CLI must resume it. Lines
    // of another deployment in between leave gaps in the seqs, as in real life.
    for (let batch = 0; batch < 5; batch++) {
      const texts = Array.from({ length: 7 }, (_, i) => `batch ${batch} line ${i}`);
      await api.deps.logs.append("dpl_follow", texts.map(line));
      await api.deps.logs.append("dpl_other", [line(`noise ${batch}`)]);
      expected.push(...texts);
      const streams = api.logStreams();
      // The CLI reconnects.
      await vi.waitUntil(() => server.logStreams() > streams, { timeout: 10_000, interval: 10 });
    }
    await api.deps.logs.append("dpl_follow", [line("last line")]);
    expected.push("last line");
    await api.deps.store.deployments.transition("dpl_follow", ["building"], "ready");

    const result = await follow;
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n").filter(Boolean)).toEqual(expected);
    expect(api.logStreams()).toBeGreaterThanOrEqual(6);
  });

  it("resumes after the Last-Event-ID it sends and rejects one that is not a seq", async () => {
    api = await startTestApi();
    await api.createDeployment("dpl_done", "ready");
    const line = (text: string) => ({ at: new Date().toISOString(), stream: "stdout" as const, text });
    await api.deps.logs.append("dpl_done", ["a", "b", "c"].map(line));
    const [, second] = await api.deps.logs.read("dpl_done");
    const headers = { authorization: "Bearer cli-test-token", accept: "text/event-stream" };
    const resumed = await fetch(`${api.url}/api/v1/deployments/dpl_done/logs?follow=1`, {
      headers: { ...headers, "last-event-id": String(second?.seq) },
    });
    const body = await resumed.text();
    expect(body.match(/"text":"\w"/g)).toEqual(['"text":"c"']);
    expect(body).toContain("event: end");

    const bad = await fetch(`${api.url}/api/v1/deployments/dpl_done/logs?follow=1`, {
      headers: { ...headers, "last-event-id": "abc" },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining('"abc"') });
  });
});
