import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";

export const worker = defineCommand({
  path: ["worker"],
  summary: "Run only the deploy pipeline's steps, next to a running `slipway up` on the same data dir",
  usage: "slipway worker [--data-dir DIR] [--edge-port 7380] [--host 127.0.0.1]",
  maxPositionals: 0,
  options: {
    "data-dir": { type: "string" },
    "edge-port": { type: "string" },
    host: { type: "string" },
  },
  async run(ctx, { values }) {
    // Imported here so the rest of the CLI never loads the platform (SQLite, builders, workers).
    const { parsePlatformConfig, startWorker } = await loadPlatform();
    // The edge port only tells pre-warmed apps where to send ISR revalidations (the platform's edge).
    const config = parsePlatformConfig(
      { dataDir: values["data-dir"], edgePort: values["edge-port"], host: values.host },
      ctx.env,
    );
    const running = await startWorker(config, (line) => ctx.stderr.write(`${line}\n`));
    ctx.print(`Slipway worker is running the deploy pipeline on ${config.dataDir}`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
    await running.stop();
    return 0;
  },
});
