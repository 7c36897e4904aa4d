import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { SlipwayError } from "@slipway/core/errors";
import { defineCommand, requirePositional, requireString } from "../command.ts";
import { parseDotenv } from "./dotenv.ts";

export const envAdd = defineCommand({
  path: ["env", "add"],
  summary: "Add or replace an environment variable (value from stdin when omitted)",
  usage:
    "slipway env add KEY [VALUE] --project NAME [--target production,preview,development] [--branch B] [--secret]\n" +
    "       slipway env add --from-file .env --project NAME [--target …] [--secret]",
  maxPositionals: 2,
  options: {
    project: { type: "string", short: "p" },
    target: { type: "string" },
    branch: { type: "string" },
    secret: { type: "boolean" },
    "from-file": { type: "string" },
  },
  examples: ['printf %s "$STRIPE_KEY" | slipway env add STRIPE_KEY --project shop --target production --secret'],
  async run(ctx, { values, positionals }) {
    const project = requireString(values, "project", this.usage);
    const targets =
      typeof values.target === "string"
        ? values.target
            .split(",")
            .map((t) => t.trim())
            .filter(Boolean)
        : [];
    const common = { targets, branch: (values.branch as string | undefined) ?? null, secret: values.secret === true };
    let vars: Array<{ key: string; value: string }>;
    if (typeof values["from-file"] === "string") {
      const file = values["from-file"];
      const content = await readFile(file, "utf8").catch(() => {
        throw new SlipwayError("INVALID_INPUT", `Cannot read ${file}.`, "Pass the path of a readable dotenv file.");
      });
      vars = parseDotenv(content, file);
      if (vars.length === 0)
        throw new SlipwayError("INVALID_INPUT", `${file} holds no variables.`, "Write one KEY=value per line.");
    } else {
      const key = requirePositional(positionals, 0, "A variable name", this.usage);
      // Reading from stdin keeps secrets out of shell history and `ps`.
      const value = positionals[1] ?? (await text(ctx.stdin)).replace(/\r?\n$/, "");
      vars = [{ key, value }];
    }
    const result = await (await ctx.api()).request<{
      updated: Array<{ key: string; targets: string[] }>;
      note: string;
    }>("POST", `/api/v1/projects/${encodeURIComponent(project)}/env`, { vars: vars.map((v) => ({ ...v, ...common })) });
    if (ctx.json) ctx.printJson(result);
    else {
      for (const v of result.updated) ctx.print(`Set ${v.key} for ${v.targets.join(", ")}.`);
      ctx.print(result.note);
    }
    return 0;
  },
});
