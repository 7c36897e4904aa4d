import { SlipwayError } from "@slipway/core/errors";
import { createApiClient } from "../client.ts";
import { defineCommand } from "../command.ts";
import { confirmByTyping, isInteractive } from "../confirm.ts";
import type { CommandContext } from "../context.ts";
import { type DashboardDeployment, dashboardUrl, deployDashboardSite } from "./aws-dashboard-site.ts";
import { describeEdgeFlags, EDGE_OPTIONS, edgeInputOf } from "./aws-edge-flags.ts";
import {
  AWS_TARGET_OPTIONS,
  type AwsOps,
  openAwsSession,
  realAwsOps,
  recordedEdgeOf,
  sourceOf,
  targetOf,
} from "./aws-ops.ts";

const USAGE =
  "slipway aws upgrade --region R [--profile P] [--bundles DIR] [--yes]\n" +
  "                    [--sites-domain D (--certificate-arn ARN | --hosted-zone ID:NAME) [--viewer-request FILE]]\n" +
  "           shows what changes in the deployed stack, then deploys this version (--yes: without asking);\n" +
  "           without edge flags, keeps the edge as the stack was deployed with it;\n" +
  "           with --sites-domain D the dashboard at slipway.D is rebuilt and deployed again (a new deployment)";

/** The edge's distributions: an upgrade without the edge flags would delete them. */
const EDGE_RESOURCE = /\(AWS::CloudFront::Distribution\)$/;

/** Resource types whose replacement loses data: an upgrade that replaces one asks twice as loudly. */
const STATEFUL = /\((AWS::DynamoDB::Table|AWS::S3::Bucket|AWS::KMS::Key|AWS::SecretsManager::Secret)\)$/;

export const awsUpgrade = defineCommand({
  path: ["aws", "upgrade"],
  summary: "Show what a new version changes in the deployed control plane, then deploy it",
  usage: USAGE,
  maxPositionals: 0,
  options: {
    ...AWS_TARGET_OPTIONS,
    ...EDGE_OPTIONS,
    bundles: { type: "string" },
    yes: { type: "boolean", short: "y" },
  },
  examples: ["slipway aws upgrade --region eu-west-1", "slipway aws upgrade --region eu-west-1 --yes --json"],
  async run(ctx, { values }) {
    return runAwsUpgrade(ctx, values, realAwsOps);
  },
});

export async function runAwsUpgrade(
  ctx: CommandContext,
  values: Record<string, unknown>,
  loadOps: () => Promise<AwsOps>,
): Promise<number> {
  const target = targetOf(values, USAGE);
  let edge = edgeInputOf(values);
  const { aws, clients, progress, toolkit, call, dashboardArtifact } = await openAwsSession(ctx, target, loadOps);
  let source = sourceOf(values, aws, edge);
  let changes = await call(() => aws.diffControlPlane(toolkit, source));
  // The summary is what the person decides on: on stderr with --json, so stdout stays one document.
  const show = (line: string) => (ctx.json ? ctx.stderr.write(`${line}\n`) : ctx.print(line));
  // Without edge flags, the ones the stack was deployed with: the upgrade keeps the edge as it
  // is, and says so.
  const recorded = edge === null ? recordedEdgeOf(aws, changes) : null;
  if (recorded !== null) {
    edge = recorded;
    show(`Keeping the edge the stack was deployed with: ${describeEdgeFlags(edge)}`);
    source = sourceOf(values, aws, edge);
    changes = await call(() => aws.diffControlPlane(toolkit, source));
  }
  const sitesDomain = source.sitesDomain;
  if (aws.isEmptySummary(changes)) {
    if (ctx.json) ctx.printJson({ changes, upgraded: false });
    else ctx.print("No changes: the deployed stack is already this version.");
    return 0;
  }
  // A stack deployed before it kept its edge flags: forgetting them would take every site off
  // the air (its distributions deleted), which no --yes may do unasked.
  const edgeRemoved = changes.removed.filter((id) => EDGE_RESOURCE.test(id));
  if (edge === null && edgeRemoved.length > 0) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `This upgrade would remove the edge that serves the sites (${edgeRemoved.join(", ")}): no --sites-domain was given.`,
      `Pass the edge flags the stack was deployed with: slipway aws upgrade --region ${target.region} --sites-domain D (--certificate-arn ARN | --hosted-zone ID:NAME)`,
    );
  }
  for (const line of aws.describeChanges(changes)) show(line);
  const losesData = changes.replaced.filter((id) => STATEFUL.test(id));
  if (losesData.length > 0) show(`Warning: replacing ${losesData.join(", ")} loses what it holds.`);
  if (values.yes !== true) {
    if (!isInteractive(ctx)) {
      throw new SlipwayError(
        "CONFIRMATION_REQUIRED",
        `Refusing to upgrade the stack in ${target.region} without confirmation: stdin is not a terminal.`,
        `Read the changes above, then pass --yes: slipway aws upgrade --region ${target.region} --yes`,
      );
    }
    if (!(await confirmByTyping(ctx, "Type upgrade to apply these changes:", "upgrade"))) {
      ctx.stderr.write("Not upgraded.\n");
      return 1;
    }
  }
  const outputs = await call(() => aws.deployControlPlane(toolkit, source));
  // The dashboard of this version: a new immutable deployment of the reserved project (rollback works).
  let dashboard: DashboardDeployment | null = null;
  if (sitesDomain !== undefined) {
    const token = await call(() => aws.readAdminToken(clients.secrets, outputs.adminTokenSecretArn));
    progress(`Building the dashboard to serve at ${dashboardUrl(sitesDomain)}…`);
    dashboard = await deployDashboardSite(createApiClient(outputs.apiUrl, token), sitesDomain, dashboardArtifact);
  }
  if (ctx.json) ctx.printJson({ changes, upgraded: true, apiUrl: outputs.apiUrl, dashboard });
  else {
    ctx.print(`Upgraded. Slipway API: ${outputs.apiUrl}`);
    if (dashboard) ctx.print(`Dashboard: ${dashboard.url} (deployment ${dashboard.deploymentId} ${dashboard.status})`);
  }
  return 0;
}
