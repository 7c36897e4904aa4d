import { defineCommand, requireString } from "../command.ts";
import { ago, table } from "../output.ts";
import { type CanaryView, canaryLine } from "./canary-view.ts";
import { type DeploymentView, deploymentJson } from "./deployment-view.ts";

export const deploymentsLs = defineCommand({
  path: ["deployments", "ls"],
  summary: "List a project's deployments, newest first",
  usage: "slipway deployments ls --project NAME [--limit N]",
  maxPositionals: 0,
  options: { project: { type: "string", short: "p" }, limit: { type: "string" } },
  async run(ctx, { values }) {
    const project = requireString(values, "project", this.usage);
    const limit = typeof values.limit === "string" ? `?limit=${encodeURIComponent(values.limit)}` : "";
    const api = await ctx.api();
    const path = `/api/v1/projects/${encodeURIComponent(project)}`;
    const list = await api.request<DeploymentView[]>("GET", `${path}/deployments${limit}`);
    if (ctx.json) {
      ctx.printJson(list.map(deploymentJson));
      return 0;
    }
    // A running canary splits production: said above the list, where the production rows are.
    const { canary } = await api.request<{ canary?: CanaryView | null }>("GET", path);
    if (canary) ctx.print(canaryLine(project, canary));
    ctx.print(
      table([
        ["ID", "STATUS", "ENV", "BRANCH", "COMMIT", "CREATED", "URL"],
        ...list.map((d) => [
          d.id,
          canary?.deploymentId === d.id ? `${d.status}, canary ${canary.percent}%` : d.status,
          d.environment,
          d.commit.branch ?? "-",
          d.commit.sha.slice(0, 7),
          ago(d.createdAt),
          d.url,
        ]),
      ]),
    );
    return 0;
  },
});
