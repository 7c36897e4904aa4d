import { writeFile } from "node:fs/promises";
import { defineCommand, requireString } from "../command.ts";

export const envPull = defineCommand({
  path: ["env", "pull"],
  summary: "Write the development variables to a dotenv file (default .env.local)",
  usage: "slipway env pull [FILE] --project NAME",
  maxPositionals: 1,
  options: { project: { type: "string", short: "p" } },
  async run(ctx, { values, positionals }) {
    const project = requireString(values, "project", this.usage);
    const file = positionals[0] ?? ".env.local";
    const body = await (await ctx.api()).request<string>(
      "GET",
      `/api/v1/projects/${encodeURIComponent(project)}/env/pull`,
    );
    await writeFile(file, body, { mode: 0o600 });
    if (ctx.json) ctx.printJson({ file });
    else ctx.print(`Wrote ${file}.`);
    return 0;
  },
});
