import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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

  it("with --sites-domain, adds the edge: two distributions running the given function file, and its outputs", async () => {
    const out = join(dir, "edge");
    const fn = join(dir, "viewer-request.js");
    const code = "function handler(event) { return event.request; }\n";
    await writeFile(fn, code);
    const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
    const run = await runCli([
      "aws",
      "synth",
      "--out",
      out,
      "--sites-domain",
      "sites.example.com",
      "--certificate-arn",
      certificateArn,
      "--viewer-request",
      fn,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const template = JSON.parse(await readFile(join(out, "Slipway.template.json"), "utf8"));
    const resources = Object.values(template.Resources) as Array<{ Type: string; Properties: Record<string, unknown> }>;
    expect(resources.filter((r) => r.Type === "AWS::CloudFront::Distribution")).toHaveLength(2);
    expect(resources.find((r) => r.Type === "AWS::CloudFront::Function")?.Properties.FunctionCode).toBe(code);
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining(["EdgePlatformDomainName", "EdgeCustomDomainTarget"]),
    );
    // The flags as given, for `slipway aws upgrade` to repeat.
    expect(JSON.parse(template.Outputs.EdgeFlags.Value)).toEqual({
      sitesDomain: "sites.example.com",
      certificateArn,
      viewerRequestFile: fn,
    });
  }, 300_000); // the edge roughly doubles what cdk-nag checks

  it("refuses edge flags without --sites-domain, and a function file that does not exist, naming them", async () => {
    const orphan = await runCli(["aws", "synth", "--out", join(dir, "orphan"), "--certificate-arn", "x"]);
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toContain("--certificate-arn needs --sites-domain.");
    const missing = join(dir, "no-such.js");
    const run = await runCli([
      "aws",
      "synth",
      "--out",
      join(dir, "missing"),
      "--sites-domain",
      "sites.example.com",
      "--hosted-zone",
      "Z0123456789ABC:example.com",
      "--viewer-request",
      missing,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`The viewer-request function file ${missing} does not exist.`);
  });
});
