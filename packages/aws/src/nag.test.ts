import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as s3 from "aws-cdk-lib/aws-s3";
import { afterEach, describe, expect, it } from "vitest";
import { writeUnbundledEntries } from "./bundles.ts";
import { createApp, synthesize } from "./synth.ts";
import { TEST_EDGE } from "./testing/fixture.ts";

let dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "slipway-nag-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

describe("cdk-nag AwsSolutions", () => {
  it("GIVEN the stack with its edge WHEN synthesized THEN no finding is left unacknowledged, and each acknowledgement has its reason in the template", () => {
    const out = join(tempDir(), "out");
    // With the edge: a superset of the stack without it, so one synth checks both.
    const result = synthesize({ outDir: out, edge: TEST_EDGE });
    expect(result.templates).toEqual([join(out, "Slipway.template.json")]);
    const template = JSON.parse(readFileSync(result.templates[0] as string, "utf8"));
    const acknowledged = Object.values(
      template.Resources as Record<
        string,
        { Metadata?: { cdk_nag?: { rules_to_suppress: Array<{ id: string; reason: string }> } } }
      >,
    ).flatMap((resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? []);
    expect(acknowledged.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(["AwsSolutions-APIG4", "AwsSolutions-SMG4", "AwsSolutions-CFR1", "AwsSolutions-CFR2"]),
    );
    for (const rule of acknowledged) expect(rule.reason.length).toBeGreaterThan(40);
  }, 120_000);

  it("GIVEN the stack plus a bucket that allows plain HTTP WHEN synthesized THEN the synth fails naming the rule", () => {
    const dir = tempDir();
    const { app, stack } = createApp(join(dir, "out"), writeUnbundledEntries(join(dir, "bundles")));
    new s3.Bucket(stack, "Careless", { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
    // synthesize() turns exactly this error (by its name) into a SlipwayError with the report's path.
    expect(() => app.synth()).toThrow(
      expect.objectContaining({ name: "ValidationFailed", message: expect.stringContaining("AwsSolutions-S10") }),
    );
    const report = readFileSync(join(dir, "out", "validation-report.json"), "utf8");
    expect(report).toContain("AwsSolutions-S10");
    expect(report).toContain("Slipway/Careless/Resource");
  }, 120_000);
});
