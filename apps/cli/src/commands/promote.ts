import { defineCommand, requirePositional } from "../command.ts";
import { type DeploymentView, deploymentJson } from "./deployment-view.ts";

export const promote = defineCommand({
  path: ["promote"],
  summary: "Point production at any ready deployment, previews included",
  usage: "slipway promote DEPLOYMENT_ID",
  maxPositionals: 1,
  options: {},
  async run(ctx, { positionals }) {
    const id = requirePositional(positionals, 0, "A deployment id", this.usage);
    const d = await (await ctx.api()).request<DeploymentView>(
      "POST",
      `/api/v1/deployments/${encodeURIComponent(id)}/promote`,
    );
    if (ctx.json) ctx.printJson(deploymentJson(d));
    else ctx.print(`Production of ${d.project} now serves ${d.id}.`);
    return 0;
  },
});
