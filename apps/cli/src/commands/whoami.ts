import { defineCommand } from "../command.ts";
import { table } from "../output.ts";

export interface Me {
  kind: "admin" | "user";
  user: { id: string; email: string | null; name: string | null } | null;
  teams: { id: string; name: string | null; role: string }[];
}

/** "ada@example.com" or "the admin token": who the saved credentials act as. */
export function describeMe(me: Me): string {
  return me.kind === "admin" ? "the admin token (all projects)" : (me.user?.email ?? me.user?.id ?? "unknown user");
}

export const whoami = defineCommand({
  path: ["whoami"],
  summary: "Show who the saved token acts as, and its teams and roles",
  usage: "slipway whoami",
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    const me = await (await ctx.api()).request<Me>("GET", "/api/v1/me");
    if (ctx.json) ctx.printJson(me);
    else {
      ctx.print(describeMe(me));
      if (me.teams.length > 0) {
        ctx.print(table([["TEAM", "ID", "ROLE"], ...me.teams.map((t) => [t.name ?? "", t.id, t.role])]));
      }
    }
    return 0;
  },
});
