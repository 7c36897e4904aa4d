import { isSlipwayError, SlipwayError } from "@slipway/core/errors";
import { defineCommand, requireString } from "../command.ts";
import { table } from "../output.ts";

interface CostView {
  from: string;
  to: string;
  asOf: string | null;
  taggedUsd: number;
  sharedUsd: number;
  totalUsd: number;
  days: { date: string; taggedUsd: number; sharedUsd: number; totalUsd: number; invocations: number }[];
  rule: string;
}

const usd = (n: number) => `$${n.toFixed(4)}`;

export const cost = defineCommand({
  path: ["cost"],
  summary: "A project's actual AWS cost per day, from Cost Explorer (fetched daily; AWS target only)",
  usage: "slipway cost --project NAME [--days 30]",
  maxPositionals: 0,
  options: { project: { type: "string", short: "p" }, days: { type: "string" } },
  async run(ctx, { values }) {
    const project = requireString(values, "project", this.usage);
    const days = typeof values.days === "string" ? values.days : "30";
    const api = await ctx.api();
    let view: CostView;
    try {
      view = await api.request<CostView>(
        "GET",
        `/api/v1/projects/${encodeURIComponent(project)}/cost?days=${encodeURIComponent(days)}`,
      );
    } catch (error) {
      // The route exists only where there is a bill to read: the API answers "no route" elsewhere.
      if (isSlipwayError(error) && error.code === "NOT_FOUND") {
        throw new SlipwayError(
          "NOT_FOUND",
          "This platform has no bill to read: actual cost per site comes from Cost Explorer on the AWS target.",
          `On a local platform, \`slipway usage --project ${project}\` projects what its traffic would cost on AWS.`,
        );
      }
      throw error;
    }
    if (ctx.json) {
      ctx.printJson(view);
      return 0;
    }
    if (view.asOf === null) {
      ctx.print(
        `${project}: no costs fetched yet (the first fetch runs at 07:00 UTC; tagged costs appear ~24 h later).`,
      );
      return 0;
    }
    ctx.print(`${project}: AWS cost ${view.from} → ${view.to} (UTC days), fetched ${view.asOf}`);
    ctx.print(
      table([
        ["DAY", "OWN", "SHARED", "TOTAL", "INVOCATIONS"],
        ...view.days.map((d) => [d.date, usd(d.taggedUsd), usd(d.sharedUsd), usd(d.totalUsd), String(d.invocations)]),
      ]),
    );
    ctx.print(`total ${usd(view.totalUsd)}  (own ${usd(view.taggedUsd)}, shared ${usd(view.sharedUsd)})`);
    ctx.print(`Shared costs: ${view.rule}`);
    return 0;
  },
});
