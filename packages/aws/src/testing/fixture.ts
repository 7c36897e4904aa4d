import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { writeUnbundledEntries } from "../bundles.ts";
import type { SlipwayEdgeOptions, SlipwayStack } from "../stack.ts";
import { createApp } from "../synth.ts";

/** A synthesized stack in a temp dir (without the AwsSolutions checks: nag.test.ts runs them), and how to remove it. */
export function synthesizedStack(
  retainData = true,
  edge?: SlipwayEdgeOptions,
  sitesDomain?: string,
): { stack: SlipwayStack; template: Template; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "slipway-aws-"));
  const { stack } = createApp(join(dir, "cdk.out"), writeUnbundledEntries(join(dir, "bundles")), {
    retainData,
    nag: false,
    ...(edge ? { edge } : {}),
    ...(sitesDomain !== undefined ? { sitesDomain } : {}),
  });
  const template = Template.fromStack(stack);
  return { stack, template, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Edge options for tests: an inline function (the real one lives in aws-runtime) and a us-east-1 certificate. */
export const TEST_EDGE = {
  sitesDomain: "sites.example.com",
  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
  viewerRequestCode: cloudfront.FunctionCode.fromInline("function handler(event) { return event.request; }"),
} satisfies SlipwayEdgeOptions;
