import { defineCommand, requirePositional, requireString } from "../command.ts";

export const envRm = defineCommand({
  path: ["env", "rm"],
  summary: "Remove an environment variable",
  usage: "slipway env rm KEY --project NAME [--branch B]",
  maxPositionals: 1,
  options: { project: { type: "string", short: "p" }, branch: { type: "string" } },
  async run(ctx, { values, positionals }) {
    const project = requireString(values, "project", this.usage);
    const key = requirePositional(positionals, 0, "A variable name", this.usage);
    const query = typeof values.branch === "string" ? `?branch=${encodeURIComponent(values.branch)}` : "";
    const result = await (await ctx.api()).request<{ removed: number; note: string }>(
      "DELETE",
      `/api/v1/projects/${encodeURIComponent(project)}/env/${encodeURIComponent(key)}${query}`,
    );
    if (ctx.json) ctx.printJson(result);
    else ctx.print(`Removed ${key}. ${result.note}`);
    return 0;
  },
});
