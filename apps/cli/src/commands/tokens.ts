import { defineCommand, requirePositional } from "../command.ts";
import { ago, table } from "../output.ts";

interface TokenRow {
  id: string;
  name: string;
  teamId: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
}

export const tokensCreate = defineCommand({
  path: ["tokens", "create"],
  summary: "Create an API token (printed once) for your team, with at most your role",
  usage: "slipway tokens create NAME [--team ID] [--role viewer|member|owner] [--days N]",
  maxPositionals: 1,
  options: { team: { type: "string" }, role: { type: "string" }, days: { type: "string" } },
  examples: ["slipway tokens create ci --role member --days 90"],
  async run(ctx, { values, positionals }) {
    const name = requirePositional(positionals, 0, "A token name", this.usage);
    const body = {
      name,
      ...(values.team === undefined ? {} : { team: values.team }),
      ...(values.role === undefined ? {} : { role: values.role }),
      ...(values.days === undefined ? {} : { expiresInDays: Number(values.days) }),
    };
    const created = await (await ctx.api()).request<TokenRow & { token: string }>("POST", "/api/v1/tokens", body);
    if (ctx.json) ctx.printJson(created);
    else {
      ctx.print(created.token);
      ctx.stderr.write(
        `Token "${created.name}" (role ${created.role}${created.expiresAt ? `, expires ${created.expiresAt}` : ""}): ` +
          "shown once; use it with `slipway login --token`.\n",
      );
    }
    return 0;
  },
});

export const tokensLs = defineCommand({
  path: ["tokens", "ls"],
  summary: "List your API tokens (never the tokens themselves)",
  usage: "slipway tokens ls",
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    const tokens = await (await ctx.api()).request<TokenRow[]>("GET", "/api/v1/tokens");
    if (ctx.json) ctx.printJson(tokens);
    else if (tokens.length === 0) ctx.print("No API tokens: create one with `slipway tokens create NAME`.");
    else
      ctx.print(
        table([
          ["ID", "NAME", "ROLE", "TEAM", "CREATED", "EXPIRES"],
          ...tokens.map((t) => [t.id, t.name, t.role, t.teamId, ago(t.createdAt), t.expiresAt ?? "never"]),
        ]),
      );
    return 0;
  },
});

export const tokensRm = defineCommand({
  path: ["tokens", "rm"],
  summary: "Revoke one of your API tokens",
  usage: "slipway tokens rm ID",
  maxPositionals: 1,
  options: {},
  async run(ctx, { positionals }) {
    const id = requirePositional(positionals, 0, "A token id", this.usage);
    const result = await (await ctx.api()).request<{ revoked: string }>(
      "DELETE",
      `/api/v1/tokens/${encodeURIComponent(id)}`,
    );
    if (ctx.json) ctx.printJson(result);
    else ctx.print(`Revoked token ${id}.`);
    return 0;
  },
});
