import { relative, resolve } from "node:path";
import { loadAws } from "../aws.ts";
import { defineCommand } from "../command.ts";
import { EDGE_OPTIONS, EDGE_USAGE, edgeInputOf } from "./aws-edge-flags.ts";

export const awsSynth = defineCommand({
  path: ["aws", "synth"],
  summary: "Write the AWS control plane's CloudFormation templates (offline, no credentials)",
  usage:
    "slipway aws synth [--out cdk.out] [--bundles DIR]\n" +
    "                  [--sites-domain D (--certificate-arn ARN | --hosted-zone ID:NAME) [--viewer-request FILE]]\n" +
    "           --bundles DIR   the code bundles (api/, steps/, outbox/, builder/ with index.mjs each) to deploy;\n" +
    "                           without it the functions and builds refuse to run (templates to read or diff)\n" +
    EDGE_USAGE,
  maxPositionals: 0,
  options: {
    out: { type: "string" },
    bundles: { type: "string" },
    ...EDGE_OPTIONS,
  },
  examples: ["slipway aws synth --out /tmp/slipway-aws", "slipway aws synth --bundles packages/aws-runtime/dist"],
  async run(ctx, { values }) {
    const edge = edgeInputOf(values);
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
