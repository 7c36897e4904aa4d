import { defineCommand } from "../command.ts";
import { table } from "../output.ts";

export const teamsLs = defineCommand({
  path: ["teams", "ls"],
  summary: "List your teams and your role in each",
  usage: "slipway teams ls",
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    const teams = await (await ctx.api()).request<{ id: string; name: string; role: string }[]>("GET", "/api/v1/teams");
    if (ctx.json) ctx.printJson(teams);
    else if (teams.length === 0) ctx.print("No teams (the admin token belongs to none).");
    else ctx.print(table([["NAME", "ID", "ROLE"], ...teams.map((t) => [t.name, t.id, t.role])]));
    return 0;
  },
});
