import type { TelemetryEntry } from "@slipway/core";
import { defineCommand, usageError } from "../command.ts";
import { followLogs } from "./logs-stream.ts";
import { formatEntry, tailRuntimeLogs } from "./runtime-logs.ts";

interface Line {
  seq: number;
  at: string;
  stream: string;
  text: string;
}

export const logs = defineCommand({
  path: ["logs"],
  summary: "Build log of a deployment (by id), or runtime logs of a project (--project)",
  usage: [
    "slipway logs DEPLOYMENT_ID [--follow]",
    "slipway logs --project NAME [--follow] [--status 5xx] [--since 1h] [--deployment ID] [--limit N]",
  ].join("\n"),
  maxPositionals: 1,
  options: {
    follow: { type: "boolean", short: "f" },
    project: { type: "string", short: "p" },
    status: { type: "string" },
    since: { type: "string" },
    deployment: { type: "string" },
    limit: { type: "string" },
  },
  examples: [
    "slipway logs dpl_123 --follow          # the build log of one deployment",
    "slipway logs --project blog --follow   # requests and function output, live",
    "slipway logs --project blog --status 5xx --since 1h",
  ],
  async run(ctx, { values, positionals }) {
    const api = await ctx.api();
    if (typeof values.project === "string") {
      if (positionals.length > 0)
        throw usageError("Give a deployment id (build log) or --project (runtime logs), not both.", this.usage);
      const query = new URLSearchParams();
      for (const name of ["status", "since", "deployment", "limit"] as const) {
        const value = values[name];
        if (typeof value === "string") query.set(name, value);
      }
      const base = `/api/v1/projects/${encodeURIComponent(values.project)}/logs`;
      const print = (entry: TelemetryEntry) => (ctx.json ? ctx.printJson(entry) : ctx.print(formatEntry(entry)));
      if (values.follow) {
        query.set("follow", "1");
        await tailRuntimeLogs(api, `${base}?${query}`, print);
        return 0;
      }
      const entries = await api.request<TelemetryEntry[]>("GET", `${base}?${query}`);
      if (ctx.json) ctx.printJson(entries);
      else for (const entry of entries) ctx.print(formatEntry(entry));
      return 0;
    }
    const id = positionals[0];
    if (!id) throw usageError("A deployment id (build log) or --project NAME (runtime logs) is required.", this.usage);
    const print = (line: Line) => (ctx.json ? ctx.printJson(line) : ctx.print(line.text));
    if (values.follow) {
      await followLogs(api, id, (line) => print(line as Line));
      return 0;
    }
    const lines = await api.request<Line[]>("GET", `/api/v1/deployments/${encodeURIComponent(id)}/logs`);
    if (ctx.json) ctx.printJson(lines);
    else for (const line of lines) ctx.print(line.text);
    return 0;
  },
});
