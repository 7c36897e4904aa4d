import { defineCommand, requireString } from "../command.ts";
import { table } from "../output.ts";

interface EnvRow {
  key: string;
  value: string | null;
  targets: string[];
  branch: string | null;
  secret: boolean;
}

export const envLs = defineCommand({
  path: ["env", "ls"],
  summary: "List environment variables (secret values are never shown)",
  usage: "slipway env ls --project NAME",
  maxPositionals: 0,
  options: { project: { type: "string", short: "p" } },
  async run(ctx, { values }) {
    const project = requireString(values, "project", this.usage);
    const vars = await (await ctx.api()).request<EnvRow[]>(
      "GET",
      `/api/v1/projects/${encodeURIComponent(project)}/env`,
    );
    if (ctx.json) ctx.printJson(vars);
    else
      ctx.print(
        table([
          ["KEY", "VALUE", "TARGETS", "BRANCH"],
          ...vars.map((v) => [v.key, v.secret ? "(secret)" : (v.value ?? ""), v.targets.join(","), v.branch ?? "-"]),
        ]),
      );
    return 0;
  },
});
