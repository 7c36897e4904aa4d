import { defineCommand, requirePositional, usageError } from "../command.ts";
import { type DeploymentView, deploymentJson } from "./deployment-view.ts";

export const promote = defineCommand({
  path: ["promote"],
  summary:
    "Point production at any ready deployment, previews included; --canary PERCENT sends only that share, promote again without it to complete, rollback to cancel",
  usage: "slipway promote DEPLOYMENT_ID [--canary PERCENT]",
  maxPositionals: 1,
  options: { canary: { type: "string" } },
  async run(ctx, { values, positionals }) {
    const id = requirePositional(positionals, 0, "A deployment id", this.usage);
    // A whole number here; its range (1–99) is the API's to check, with its own message.
    const raw = values.canary;
    if (raw !== undefined && (typeof raw !== "string" || !/^\d+$/.test(raw))) {
      throw usageError(`--canary takes a whole percentage such as 10, not ${JSON.stringify(raw)}.`, this.usage);
    }
    const canary = raw === undefined ? undefined : Number(raw);
    const d = await (await ctx.api()).request<DeploymentView>(
      "POST",
      `/api/v1/deployments/${encodeURIComponent(id)}/promote`,
      canary === undefined ? undefined : { canary },
    );
    if (ctx.json) ctx.printJson({ ...deploymentJson(d), ...(canary === undefined ? {} : { canary }) });
    else if (canary !== undefined) {
      ctx.print(
        `Canary: ${canary}% of ${d.project}'s production now goes to ${d.id}; an error alarm cancels it. ` +
          `Complete with \`slipway promote ${d.id}\`, cancel with \`slipway rollback --project ${d.project}\`.`,
      );
    } else ctx.print(`Production of ${d.project} now serves ${d.id}.`);
    return 0;
  },
});
