import { defineCommand, requirePositional, requireString } from "../command.ts";
import { type DomainView, printDomain } from "./domain-view.ts";

export const domainsAdd = defineCommand({
  path: ["domains", "add"],
  summary: "Add a custom domain to a project (HTTPS certificate issued once it is verified)",
  usage: "slipway domains add HOST --project NAME [--redirect-to OTHER]",
  maxPositionals: 1,
  options: { project: { type: "string", short: "p" }, "redirect-to": { type: "string" } },
  examples: [
    "slipway domains add example.com --project shop",
    "slipway domains add www.example.com --project shop --redirect-to example.com",
  ],
  async run(ctx, { values, positionals }) {
    const hostname = requirePositional(positionals, 0, "A hostname", this.usage);
    const domain = await (await ctx.api()).request<DomainView>("POST", "/api/v1/domains", {
      hostname,
      project: requireString(values, "project", this.usage),
      redirectTo: typeof values["redirect-to"] === "string" ? values["redirect-to"] : null,
    });
    if (ctx.json) ctx.printJson(domain);
    else printDomain(ctx, domain);
    return 0;
  },
});
