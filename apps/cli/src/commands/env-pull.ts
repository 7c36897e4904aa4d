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
    // Variables the file names but leaves out (secrets, values no line carries faithfully).
    const byHand = body
      .split("\n")
      .filter((line) => line.startsWith("# ") && line.endsWith(": set it by hand"))
      .map((line) => line.slice(2));
    if (ctx.json) ctx.printJson({ file, leftOut: byHand });
    else {
      ctx.print(`Wrote ${file}.`);
      for (const note of byHand) ctx.stderr.write(`note: ${note}\n`);
    }
    return 0;
  },
});
