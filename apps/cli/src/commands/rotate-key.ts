import { resolve } from "node:path";
import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";

export const rotateKey = defineCommand({
  path: ["admin", "rotate-key"],
  summary: "Generate a new master key and re-encrypt every stored value with it (platform stopped)",
  usage: "slipway admin rotate-key [--data-dir .slipway]",
  maxPositionals: 0,
  options: { "data-dir": { type: "string" } },
  async run(ctx, { values }) {
    // Runs against the data dir, not the API: the running platform holds the key in memory.
    const { rotateDataDirKey } = await loadPlatform();
    const dataDir = resolve((values["data-dir"] as string | undefined) ?? ctx.env.SLIPWAY_DATA_DIR ?? ".slipway");
    const result = await rotateDataDirKey(dataDir);
    if (ctx.json) ctx.printJson(result);
    else
      ctx.print(
        `Rotated the master key ${result.previousKeyId} → ${result.newKeyId}; re-encrypted ${result.envVars} variables, ${result.snapshots} deployment snapshots and the secrets of ${result.projects} projects.`,
      );
    return 0;
  },
});
