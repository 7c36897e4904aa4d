import { defineCommand, requirePositional } from "../command.ts";
import { type DomainView, domainPath, printDomain } from "./domain-view.ts";

export const domainsVerify = defineCommand({
  path: ["domains", "verify"],
  summary: "Check a domain's DNS records; once they match, its certificate is requested",
  usage: "slipway domains verify HOST",
  maxPositionals: 1,
  options: {},
  async run(ctx, { positionals }) {
    const hostname = requirePositional(positionals, 0, "A hostname", this.usage);
    const domain = await (await ctx.api()).request<DomainView & { verified: boolean }>(
      "POST",
      `${domainPath(hostname)}/verify`,
    );
    if (ctx.json) ctx.printJson(domain);
    else printDomain(ctx, domain);
    // Not verified is an answer, not a fault, but scripts waiting on it need to tell: exit 1.
    return domain.verified ? 0 : 1;
  },
});
