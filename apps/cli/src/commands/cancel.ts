import { defineCommand, requirePositional } from "../command.ts";
import { type DeploymentView, deploymentJson } from "./deployment-view.ts";

export const cancel = defineCommand({
  path: ["cancel"],
  summary: "Cancel a queued or running deployment",
  usage: "slipway cancel DEPLOYMENT_ID",
  maxPositionals: 1,
  options: {},
  async run(ctx, { positionals }) {
    const id = requirePositional(positionals, 0, "A deployment id", this.usage);
    const d = await (await ctx.api()).request<DeploymentView>(
      "POST",
      `/api/v1/deployments/${encodeURIComponent(id)}/cancel`,
    );
    if (ctx.json) ctx.printJson(deploymentJson(d));
    else ctx.print(`Canceled ${d.id}.`);
    return 0;
  },
});
