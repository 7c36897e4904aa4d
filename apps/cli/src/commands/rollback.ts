import { defineCommand, requireString } from "../command.ts";
import { type DeploymentView, deploymentJson } from "./deployment-view.ts";

export const rollback = defineCommand({
  path: ["rollback"],
  summary:
    "Move production back (default: the previous production deployment; while a canary runs, cancel the canary); no build",
  usage: "slipway rollback --project NAME [DEPLOYMENT_ID]",
  maxPositionals: 1,
  options: { project: { type: "string", short: "p" } },
  async run(ctx, { values, positionals }) {
    const project = requireString(values, "project", this.usage);
    const api = await ctx.api();
    const d = await api.request<DeploymentView>("POST", `/api/v1/projects/${encodeURIComponent(project)}/rollback`, {
      deploymentId: positionals[0],
    });
    if (ctx.json) ctx.printJson(deploymentJson(d));
    else ctx.print(`Production of ${project} now serves ${d.id} (${d.commit.sha.slice(0, 7)}).`);
    return 0;
  },
});
