import { defineCommand } from "../command.ts";

export const rotateKey = defineCommand({
  path: ["admin", "rotate-key"],
  summary: "Generate a new master key and re-encrypt every stored value with it",
  usage: "slipway admin rotate-key",
  options: {},
  async run(ctx) {
    const result = await (await ctx.api()).request<{ keyId: string; reencrypted: number }>(
      "POST",
      "/api/v1/admin/rotate-key",
    );
    if (ctx.json) ctx.printJson(result);
    else ctx.print(`Rotated the master key (new key ${result.keyId}); re-encrypted ${result.reencrypted} values.`);
    return 0;
  },
});
