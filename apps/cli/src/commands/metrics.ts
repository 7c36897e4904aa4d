import type { SeriesPoint } from "@slipway/core";
import { defineCommand, requireString } from "../command.ts";
import { table } from "../output.ts";

interface MetricsView {
  from: string;
  to: string;
  stepMs: number;
  summary: Omit<SeriesPoint, "start">;
  series: SeriesPoint[];
}

const ms = (value: number | null) => (value === null ? "-" : `${value}ms`);

export const metrics = defineCommand({
  path: ["metrics"],
  summary: "A project's requests, errors, latency (p50/p95/p99) and cold starts over a window",
  usage: "slipway metrics --project NAME [--since 24h] [--deployment ID]",
  maxPositionals: 0,
  options: {
    project: { type: "string", short: "p" },
    since: { type: "string" },
    deployment: { type: "string" },
  },
  async run(ctx, { values }) {
    const project = requireString(values, "project", this.usage);
    const query = new URLSearchParams({ since: typeof values.since === "string" ? values.since : "24h" });
    if (typeof values.deployment === "string") query.set("deployment", values.deployment);
    const api = await ctx.api();
    const view = await api.request<MetricsView>(
      "GET",
      `/api/v1/projects/${encodeURIComponent(project)}/metrics?${query}`,
    );
    if (ctx.json) {
      ctx.printJson(view);
      return 0;
    }
    const s = view.summary;
    ctx.print(`${project}: ${view.from} → ${view.to}`);
    ctx.print(
      `requests ${s.requests}  errors ${s.errors} (${(s.errorRate * 100).toFixed(2)}%)  cold starts ${s.coldStarts}  ` +
        `p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  GB-s ${s.gbSeconds}  out ${s.bytesOut} B`,
    );
    const busy = view.series.filter((p) => p.requests > 0);
    if (busy.length > 0)
      ctx.print(
        table([
          ["START", "REQUESTS", "ERRORS", "COLD", "P50", "P95", "P99"],
          ...busy.map((p) => [
            new Date(p.start).toISOString(),
            String(p.requests),
            String(p.errors),
            String(p.coldStarts),
            ms(p.p50),
            ms(p.p95),
            ms(p.p99),
          ]),
        ]),
      );
    return 0;
  },
});
