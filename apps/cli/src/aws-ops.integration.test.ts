import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./test-support/api-server.ts";

// The real `slipway` binary, offline, with an empty home: no AWS profile, credentials or region.
// Every case fails before any AWS call or synthesis, with a one-line reason and its hint.
let home: string;
let env: Record<string, string>;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), "slipway-aws-ops-"));
  env = {
    HOME: home,
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
  };
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("slipway aws deploy | upgrade | destroy, argument errors", () => {
  it("deploy needs --region, and a region name", async () => {
    const none = await runCli(["aws", "deploy"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--region is required.");
    const bad = await runCli(["aws", "deploy", "--region", "Frankfurt"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--region "Frankfurt" is not an AWS region name.');
  });

  it("a profile that does not exist is named with the region, before any synthesis", async () => {
    const run = await runCli(["aws", "upgrade", "--region", "eu-west-1", "--profile", "nope", "--json"], env);
    expect(run.code).toBe(1);
    // The last line: the AWS SDK may print a Node version warning before it.
    const error = JSON.parse(run.stderr.trim().split("\n").at(-1) ?? "").error;
    expect(error).toMatchObject({
      code: "AWS_CREDENTIALS",
      message: expect.stringContaining("profile nope in eu-west-1"),
    });
    expect(run.stdout).toBe("");
    const human = await runCli(["aws", "deploy", "--region", "eu-west-1", "--profile", "nope"], env);
    expect(human.stdout).not.toContain("Synthesis");
    expect(human.stderr).toContain("aws sts get-caller-identity --profile nope");
  });

  it("destroy refuses without --keep-data or --remove-data when stdin is not a terminal", async () => {
    const run = await runCli(["aws", "destroy", "--region", "eu-west-1"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("without knowing what to do with its data");
    expect(run.stderr).toContain("--keep-data");
    const both = await runCli(["aws", "destroy", "--region", "eu-west-1", "--keep-data", "--remove-data"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--keep-data and --remove-data contradict each other.");
  });
});
