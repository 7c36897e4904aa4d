import type { ApiClient } from "../client.ts";
import { defineCommand, usageError } from "../command.ts";

export const invite = defineCommand({
  path: ["invite"],
  summary: "Create an invitation link to your team (owners); prints the link",
  usage: "slipway invite [--role viewer|member|owner] [--team ID] [--days 7]",
  maxPositionals: 0,
  options: { role: { type: "string" }, team: { type: "string" }, days: { type: "string" } },
  examples: ["slipway invite --role viewer"],
  async run(ctx, { values }) {
    const api = await ctx.api();
    const team = (values.team as string | undefined) ?? (await defaultTeam(api));
    if (!team) throw usageError("You belong to no team: pass --team ID.", this.usage);
    const body = {
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(values.days === undefined ? {} : { expiresInDays: Number(values.days) }),
    };
    const created = await api.request<{ url: string; role: string; expiresAt: string }>(
      "POST",
      `/api/v1/teams/${encodeURIComponent(team)}/invitations`,
      body,
    );
    if (ctx.json) ctx.printJson(created);
    else ctx.print(`${created.url}\n(role ${created.role}, single use, expires ${created.expiresAt})`);
    return 0;
  },
});

/** The caller's first team: the one they made at sign-up, or the token's own. */
async function defaultTeam(api: ApiClient): Promise<string | undefined> {
  const teams = await api.request<{ id: string }[]>("GET", "/api/v1/teams");
  return teams[0]?.id;
}
