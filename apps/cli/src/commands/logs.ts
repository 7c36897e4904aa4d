import { defineCommand, requirePositional } from "../command.ts";
import { followLogs } from "./logs-stream.ts";

interface Line {
  seq: number;
  at: string;
  stream: string;
  text: string;
}

export const logs = defineCommand({
  path: ["logs"],
  summary: "Print a deployment's build log (--follow streams it live)",
  usage: "slipway logs DEPLOYMENT_ID [--follow]",
  maxPositionals: 1,
  options: { follow: { type: "boolean", short: "f" } },
  async run(ctx, { values, positionals }) {
    const id = requirePositional(positionals, 0, "A deployment id", this.usage);
    const api = await ctx.api();
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
