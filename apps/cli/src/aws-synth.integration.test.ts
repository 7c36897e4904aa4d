import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/api-server.ts";

// The real `slipway` binary, with no AWS credentials, profile or region in its environment.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "slipway-aws-synth-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("slipway aws synth", () => {
  it("writes the control plane's template offline and says the functions need bundles", async () => {
    const out = join(dir, "out");
    const run = await runCli(["aws", "synth", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Slipway.template.json");
    expect(run.stdout).toContain("no unacknowledged findings");
    expect(run.stderr).toContain("--bundles");
    const template = JSON.parse(await readFile(join(out, "Slipway.template.json"), "utf8"));
    expect(Object.keys(template.Outputs)).toEqual([
      "ApiUrl",
      "AdminTokenSecretArn",
      "AlarmTopicArn",
      "ArtifactsBucketName",
      "CachesBucketName",
      "AccessLogsBucketName",
    ]);
    expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toContain(
      "AWS::CodeBuild::Project",
    );
  });

  it("names a bundles directory that lacks a bundle, with a hint, and exits 1", async () => {
    const run = await runCli(["aws", "synth", "--out", join(dir, "bad"), "--bundles", join(dir, "nowhere")]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The bundles directory ${join(dir, "nowhere")} has no api/index.mjs.`);
    expect(run.stderr).toContain("aws-runtime");
  });
});
