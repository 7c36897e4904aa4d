import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";

export const up = defineCommand({
  path: ["up"],
  summary: "Start the platform in the foreground (API on --port, sites on --edge-port)",
  usage:
    "slipway up [--data-dir DIR] [--port 7300] [--edge-port 7380] [--domain localhost] [--host 127.0.0.1]\n" +
    "           [--https-port 443]   HTTPS for custom domains (default: 443 when --edge-port is 80, else off)\n" +
    "           [--allow-loopback 127.0.0.1:5432,...]   loopback services sandboxed functions may reach\n" +
    "           [--unsafe-no-sandbox]   serve a public domain or address even without bubblewrap",
  maxPositionals: 0,
  options: {
    "data-dir": { type: "string" },
    port: { type: "string" },
    "edge-port": { type: "string" },
    "https-port": { type: "string" },
    domain: { type: "string" },
    host: { type: "string" },
    "unsafe-no-sandbox": { type: "boolean" },
    /** Loopback services (host:port) the sandboxed functions may reach; nothing else of the host's. */
    "allow-loopback": { type: "string" },
  },
  async run(ctx, { values }) {
    // Imported here so the rest of the CLI never loads the platform (SQLite, builders, workers).
    const {
      parsePlatformConfig,
      startPlatform,
      inheritedListeners,
      HANDOFF_FROM_ENV,
      serveUntilStopped,
      signalReady,
      createLogWriter,
      stderrIsJournal,
    } = await loadPlatform();
    const config = parsePlatformConfig(
      {
        dataDir: values["data-dir"],
        port: values.port,
        edgePort: values["edge-port"],
        httpsPort: values["https-port"],
        domain: values.domain,
        host: values.host,
        unsafeNoSandbox: values["unsafe-no-sandbox"],
        allowLoopback: values["allow-loopback"],
      },
      ctx.env,
    );
    // Under systemd, journal entries with priorities (`<3>` errors, `<4>` warnings, `<6>` the rest).
    const log = createLogWriter(stderrIsJournal(ctx.env), (text) => ctx.stderr.write(text));
    // Sockets from systemd (socket activation) or from the process this one replaces.
    const inherited = inheritedListeners(ctx.env, process.pid);
    const handoffFrom = Number(ctx.env[HANDOFF_FROM_ENV]) || null;
    const platform = await startPlatform(config, log, { inherited, handoffFrom });
    signalReady(ctx.env);
    ctx.print(`Slipway is up: API ${platform.apiUrl}, sites on ${platform.edgeUrl}`);
    if (platform.httpsPort !== null) ctx.print(`Custom domains over HTTPS on port ${platform.httpsPort}`);
    ctx.print(`Admin token: ${platform.adminTokenPath}${platform.tokenCreated ? " (created now)" : ""}`);
    const ended = await serveUntilStopped(platform, {
      drainMs: config.drainTimeoutMs,
      readyTimeoutMs: 120_000,
      log,
    });
    ctx.print(ended === "replaced" ? "Handed over to the new process; stopped." : "Stopped.");
    return 0;
  },
});
