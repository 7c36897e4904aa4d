import { relative, resolve } from "node:path";
import type { EdgeInput } from "@slipway/aws";
import { SlipwayError } from "@slipway/core/errors";
import { loadAws } from "../aws.ts";
import { defineCommand } from "../command.ts";

export const awsSynth = defineCommand({
  path: ["aws", "synth"],
  summary: "Write the AWS control plane's CloudFormation templates (offline, no credentials)",
  usage:
    "slipway aws synth [--out cdk.out] [--bundles DIR]\n" +
    "                  [--sites-domain D (--certificate-arn ARN | --hosted-zone ID:NAME) --viewer-request FILE]\n" +
    "           --bundles DIR   the code bundles (api/, steps/, outbox/, builder/ with index.mjs each) to deploy;\n" +
    "                           without it the functions and builds refuse to run (templates to read or diff)\n" +
    "           --sites-domain  adds the edge (CloudFront) for *.D, with a us-east-1 certificate ARN or a\n" +
    "                           Route 53 zone to validate one in, and the viewer-request function's .js file",
  maxPositionals: 0,
  options: {
    out: { type: "string" },
    bundles: { type: "string" },
    "sites-domain": { type: "string" },
    "certificate-arn": { type: "string" },
    "hosted-zone": { type: "string" },
    "viewer-request": { type: "string" },
  },
  examples: ["slipway aws synth --out /tmp/slipway-aws", "slipway aws synth --bundles packages/aws-runtime/dist"],
  async run(ctx, { values }) {
    const edge = edgeInput(values);
    const { synthesize, edgeOptionsFrom } = await loadAws();
    const outDir = resolve((values.out as string | undefined) ?? "cdk.out");
    const bundlesDir = values.bundles as string | undefined;
    const result = synthesize({
      outDir,
      ...(bundlesDir ? { bundlesDir } : {}),
      ...(edge ? { edge: edgeOptionsFrom(edge) } : {}),
    });
    if (ctx.json) {
      ctx.printJson(result);
      return 0;
    }
    for (const template of result.templates) ctx.print(`Wrote ${relative(process.cwd(), template) || template}`);
    ctx.print("cdk-nag AwsSolutions: no unacknowledged findings.");
    if (!result.bundled) {
      ctx.stderr.write(
        "Note: synthesized without --bundles: the functions and the build project refuse to run until you synthesize with the bundles.\n",
      );
    }
    return 0;
  },
});

/** The edge flags, or null without --sites-domain (the others alone are a mistake, named). */
function edgeInput(values: Record<string, unknown>): EdgeInput | null {
  const text = (name: string) => values[name] as string | undefined;
  const sitesDomain = text("sites-domain");
  const rest = ["certificate-arn", "hosted-zone", "viewer-request"].filter((name) => text(name) !== undefined);
  if (sitesDomain === undefined) {
    if (rest.length === 0) return null;
    throw new SlipwayError(
      "INVALID_INPUT",
      `--${rest[0]} needs --sites-domain.`,
      "The edge serves *.<sites domain>: pass --sites-domain with it.",
    );
  }
  const viewerRequestFile = text("viewer-request");
  if (viewerRequestFile === undefined) {
    throw new SlipwayError(
      "INVALID_INPUT",
      "--sites-domain needs --viewer-request FILE.",
      "Pass the CloudFront Function's .js file the aws-runtime package ships.",
    );
  }
  const certificateArn = text("certificate-arn");
  const hostedZone = text("hosted-zone");
  return {
    sitesDomain,
    viewerRequestFile,
    ...(certificateArn !== undefined ? { certificateArn } : {}),
    ...(hostedZone !== undefined ? { hostedZone } : {}),
  };
}
