import { SlipwayError } from "@slipway/core/errors";
import { defineCommand, requireString } from "../command.ts";
import { type DeploymentView, deploymentJson } from "./deployment-view.ts";
import { followLogs } from "./logs-stream.ts";

export const deploy = defineCommand({
  path: ["deploy"],
  summary: "Deploy a branch or commit (production with --prod or the production branch)",
  usage: "slipway deploy --project NAME [--ref BRANCH|SHA] [--prod] [--no-wait]",
  maxPositionals: 0,
  options: {
    project: { type: "string", short: "p" },
    ref: { type: "string" },
    prod: { type: "boolean" },
    "no-wait": { type: "boolean" },
  },
  examples: ["slipway deploy --project shop", "slipway deploy --project shop --ref feature/login"],
  async run(ctx, { values }) {
    const project = requireString(values, "project", this.usage);
    const api = await ctx.api();
    const queued = await api.request<DeploymentView>(
      "POST",
      `/api/v1/projects/${encodeURIComponent(project)}/deployments`,
      {
        ref: values.ref,
        prod: values.prod === true ? true : undefined,
      },
    );
    if (!ctx.json)
      ctx.print(`Queued ${queued.id} (${queued.environment}, ${queued.commit.sha.slice(0, 7)}): ${queued.url}`);
    if (values["no-wait"]) {
      if (ctx.json) ctx.printJson(deploymentJson(queued));
      return 0;
    }
    // Human mode streams the build log to stderr so stdout stays the result.
    await followLogs(api, queued.id, (line) => {
      if (!ctx.json) ctx.stderr.write(`${line.text}\n`);
    });
    const final = await api.request<DeploymentView>("GET", `/api/v1/deployments/${queued.id}`);
    if (ctx.json) ctx.printJson(deploymentJson(final));
    else ctx.print(final.status === "ready" ? `Ready: ${final.url}` : `Deployment ${final.id} is ${final.status}`);
    if (final.status !== "ready") {
      throw new SlipwayError(
        "DEPLOYMENT_FAILED",
        `Deployment ${final.id} ended ${final.status}: ${final.statusReason ?? "no reason recorded"}`,
        `Read the whole log with \`slipway logs ${final.id}\`.`,
      );
    }
    return 0;
  },
});
