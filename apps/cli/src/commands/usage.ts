import type { CostProjection } from "@slipway/core";
import { defineCommand, requireString } from "../command.ts";
import { table } from "../output.ts";

interface UsageView {
  from: string;
  to: string;
  usage: Record<string, number>;
  cost: CostProjection;
  dropped: Record<string, number>;
}

export const usage = defineCommand({
  path: ["usage"],
  summary: "A project's measured usage and what the same traffic would cost on AWS",
  usage: "slipway usage --project NAME [--since 30d]",
  maxPositionals: 0,
  options: { project: { type: "string", short: "p" }, since: { type: "string" } },
  async run(ctx, { values }) {
    const project = requireString(values, "project", this.usage);
    const since = typeof values.since === "string" ? values.since : "30d";
    const api = await ctx.api();
    const view = await api.request<UsageView>(
      "GET",
      `/api/v1/projects/${encodeURIComponent(project)}/usage?since=${encodeURIComponent(since)}`,
    );
    if (ctx.json) {
      ctx.printJson(view);
      return 0;
    }
    const u = view.usage;
    ctx.print(`${project}: ${view.from} → ${view.to}`);
    ctx.print(
      `requests ${u.requests}  function invocations ${u.invocations}  GB-s ${u.gbSeconds}  out ${u.bytesOut} B  ` +
        `assets ${u.storageBytes} B`,
    );
    ctx.print(`Projected AWS cost (${view.cost.region}, prices of ${view.cost.pricesDate}):`);
    ctx.print(
      table([
        ["SERVICE", "ITEM", "QUANTITY", "USD"],
        ...view.cost.lines.map((l) => [l.service, l.item, `${l.quantity} ${l.unit}`, l.usd.toFixed(6)]),
      ]),
    );
    ctx.print(`window $${view.cost.windowUsd.toFixed(4)}   per 30-day month $${view.cost.monthlyUsd.toFixed(4)}`);
    return 0;
  },
});
