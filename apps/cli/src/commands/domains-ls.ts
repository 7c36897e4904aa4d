import { defineCommand } from "../command.ts";
import { table } from "../output.ts";
import type { DomainView } from "./domain-view.ts";

export const domainsLs = defineCommand({
  path: ["domains", "ls"],
  summary: "List custom domains with their status and certificate expiry",
  usage: "slipway domains ls [--project NAME]",
  maxPositionals: 0,
  options: { project: { type: "string", short: "p" } },
  async run(ctx, { values }) {
    const query = typeof values.project === "string" ? `?project=${encodeURIComponent(values.project)}` : "";
    const domains = await (await ctx.api()).request<DomainView[]>("GET", `/api/v1/domains${query}`);
    if (ctx.json) ctx.printJson(domains);
    else if (domains.length === 0)
      ctx.print("No custom domains. Add one with `slipway domains add HOST --project NAME`.");
    else
      ctx.print(
        table([
          ["HOSTNAME", "PROJECT", "STATUS", "CERTIFICATE UNTIL", "REDIRECT", "REASON"],
          ...domains.map((d) => [
            d.hostname,
            d.project,
            d.status,
            d.certificate?.notAfter ?? "-",
            d.redirectTo ?? "-",
            d.reason ?? "",
          ]),
        ]),
      );
    return 0;
  },
});
