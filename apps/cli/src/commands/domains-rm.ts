import { defineCommand, requirePositional } from "../command.ts";
import { domainPath } from "./domain-view.ts";

export const domainsRm = defineCommand({
  path: ["domains", "rm"],
  summary: "Remove a custom domain and its certificate",
  usage: "slipway domains rm HOST",
  maxPositionals: 1,
  options: {},
  async run(ctx, { positionals }) {
    const hostname = requirePositional(positionals, 0, "A hostname", this.usage);
    const result = await (await ctx.api()).request<{ removed: string; project: string }>(
      "DELETE",
      domainPath(hostname),
    );
    if (ctx.json) ctx.printJson(result);
    else ctx.print(`Removed ${result.removed} from ${result.project}.`);
    return 0;
  },
});
