import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Template } from "aws-cdk-lib/assertions";
import { writeUnbundledEntries } from "../bundles.ts";
import type { SlipwayStack } from "../stack.ts";
import { createApp } from "../synth.ts";

/** A synthesized stack in a temp dir (without the AwsSolutions checks: nag.test.ts runs them), and how to remove it. */
export function synthesizedStack(
  retainData = true,
  sitesDomain?: string,
): { stack: SlipwayStack; template: Template; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "slipway-aws-"));
  const { stack } = createApp(join(dir, "cdk.out"), writeUnbundledEntries(join(dir, "bundles")), {
    retainData,
    nag: false,
    ...(sitesDomain !== undefined ? { sitesDomain } : {}),
  });
  const template = Template.fromStack(stack);
  return { stack, template, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
