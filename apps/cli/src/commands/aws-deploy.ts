import { createApiClient } from "../client.ts";
import { defineCommand } from "../command.ts";
import type { CommandContext } from "../context.ts";
import { writeCredentials } from "../credentials.ts";
import { dashboardUrl, deployDashboardSite } from "./aws-dashboard-site.ts";
import { EDGE_OPTIONS, EDGE_USAGE, edgeInputOf } from "./aws-edge-flags.ts";
import { AWS_TARGET_OPTIONS, type AwsOps, openAwsSession, realAwsOps, sourceOf, targetOf } from "./aws-ops.ts";
import { describeMe, type Me } from "./whoami.ts";

const USAGE =
  "slipway aws deploy --region R [--profile P] [--bundles DIR] [--bootstrap]\n" +
  "                   [--sites-domain D (--certificate-arn ARN | --hosted-zone ID:NAME) [--viewer-request FILE]]\n" +
  EDGE_USAGE +
  "; the dashboard is deployed at slipway.D\n" +
  "           --bundles DIR     the aws-runtime bundles (default: packages/aws-runtime/dist/lambda)\n" +
  "           --bootstrap       bootstrap the account and region for CDK assets first (once)";

export const awsDeploy = defineCommand({
  path: ["aws", "deploy"],
  summary: "Deploy the control plane into your AWS account and log the CLI in to it",
  usage: USAGE,
  maxPositionals: 0,
  options: {
    ...AWS_TARGET_OPTIONS,
    ...EDGE_OPTIONS,
    bundles: { type: "string" },
    bootstrap: { type: "boolean" },
  },
  examples: [
    "slipway aws deploy --region eu-west-1 --profile prod --bootstrap",
    "slipway aws deploy --region us-east-1 --sites-domain sites.example.com --hosted-zone Z0123456789ABC:example.com",
  ],
  async run(ctx, { values }) {
    return runAwsDeploy(ctx, values, realAwsOps);
  },
});

/**
 * Deploys the stack (progress line by line), reads the first admin token from Secrets Manager
 * with the deploying user's credentials, checks it against the new API, and stores URL and token
 * as `slipway login` does. The token is never printed.
 */
export async function runAwsDeploy(
  ctx: CommandContext,
  values: Record<string, unknown>,
  loadOps: () => Promise<AwsOps>,
): Promise<number> {
  const target = targetOf(values, USAGE);
  const edge = edgeInputOf(values);
  const { aws, clients, progress, toolkit, call, dashboardArtifact } = await openAwsSession(ctx, target, loadOps);
  const sitesDomain = edge?.sitesDomain;
  progress(`Deploying the Slipway control plane with ${aws.describeTarget(target)}…`);
  const outputs = await call(() =>
    aws.deployControlPlane(toolkit, sourceOf(values, aws, edge), { bootstrap: values.bootstrap === true }),
  );
  const token = await call(() => aws.readAdminToken(clients.secrets, outputs.adminTokenSecretArn));
  // The same check `slipway login` makes: the token works against this API before it is saved.
  const client = createApiClient(outputs.apiUrl, token);
  const me = await client.request<Me>("GET", "/api/v1/me");
  const credentials = await writeCredentials(ctx.env, { url: outputs.apiUrl, token });
  // The dashboard is a site: without a sites domain there is nowhere to serve it.
  const dashboard =
    sitesDomain === undefined
      ? null
      : await (async () => {
          progress(`Building the dashboard to serve at ${dashboardUrl(sitesDomain)}…`);
          return deployDashboardSite(client, sitesDomain, dashboardArtifact);
        })();
  const result = {
    region: target.region,
    profile: target.profile ?? null,
    apiUrl: outputs.apiUrl,
    dashboard,
    adminTokenSecretArn: outputs.adminTokenSecretArn,
    credentials,
  };
  if (ctx.json) ctx.printJson(result);
  else {
    ctx.print(`Slipway API: ${outputs.apiUrl}`);
    ctx.print(
      dashboard
        ? `Dashboard: ${dashboard.url} (deployment ${dashboard.deploymentId} ${dashboard.status}; live once it is ready)`
        : "Dashboard: none without a sites domain; rerun with --sites-domain D to serve it at https://slipway.D.",
    );
    ctx.print(`Logged in as ${describeMe(me)}; credentials saved to ${credentials}.`);
    ctx.print(
      "The admin token stays in Secrets Manager (AdminTokenSecretArn output); create your own with `slipway tokens create`.",
    );
  }
  return 0;
}
