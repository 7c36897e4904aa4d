import { text } from "node:stream/consumers";
import { SlipwayError } from "@slipway/core/errors";
import { createApiClient } from "../client.ts";
import { defineCommand } from "../command.ts";
import { DEFAULT_API_URL, writeCredentials } from "../credentials.ts";
import { describeMe, type Me } from "./whoami.ts";

export const login = defineCommand({
  path: ["login"],
  summary: "Save the API URL and token (token from stdin when --token is omitted)",
  usage: "slipway login [--url URL] [--token TOKEN]",
  maxPositionals: 0,
  options: { url: { type: "string" }, token: { type: "string" } },
  examples: ["slipway login --url http://127.0.0.1:7300 < .slipway/admin-token"],
  async run(ctx, { values }) {
    const url = (values.url as string | undefined) ?? ctx.env.SLIPWAY_URL ?? DEFAULT_API_URL;
    const token = ((values.token as string | undefined) ?? (await text(ctx.stdin))).trim();
    if (!token) throw new SlipwayError("USAGE", "No token given.", "Pass --token or pipe the token on stdin.");
    // Fails loudly on a bad, revoked or expired token, before anything is saved.
    const me = await createApiClient(url, token).request<Me>("GET", "/api/v1/me");
    const path = await writeCredentials(ctx.env, { url, token });
    if (ctx.json) ctx.printJson({ url, credentials: path, me });
    else ctx.print(`Logged in to ${url} as ${describeMe(me)}; credentials saved to ${path}.`);
    return 0;
  },
});
