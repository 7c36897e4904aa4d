import { existsSync, realpathSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { homedir, userInfo } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { SlipwayError } from "@slipway/core/errors";
import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";

export const adminInstallService = defineCommand({
  path: ["admin", "install-service"],
  summary: "Write a hardened systemd service (and its sockets) that runs `slipway up`, and say how to enable it",
  usage:
    "slipway admin install-service [--user] [--data-dir DIR] [--out FILE]\n" +
    "           [--host 127.0.0.1] [--port 7300] [--edge-port 7380] [--https-port N] [--domain localhost]\n" +
    "           --out: where slipway.service goes (its .socket units beside it); default\n" +
    "           /etc/systemd/system, or ~/.config/systemd/user with --user",
  maxPositionals: 0,
  options: {
    user: { type: "boolean" },
    "data-dir": { type: "string" },
    out: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    "edge-port": { type: "string" },
    "https-port": { type: "string" },
    domain: { type: "string" },
  },
  async run(ctx, { values }) {
    const { parsePlatformConfig, systemdUnits, enableCommands, bwrapIsSetuid, httpsPortOf, SERVICE_NAME } =
      await loadPlatform();
    // The same parsing as `slipway up`: a bad port or domain stops here, not at the service's start.
    const config = parsePlatformConfig(
      {
        dataDir: values["data-dir"],
        port: values.port,
        edgePort: values["edge-port"],
        httpsPort: values["https-port"],
        domain: values.domain,
        host: values.host,
      },
      ctx.env,
    );
    const user = values.user === true;
    const out = typeof values.out === "string" ? resolve(values.out) : defaultPath(user);
    if (!out.endsWith(".service"))
      throw new SlipwayError("USAGE", `--out "${values.out}" is not a .service file.`, `e.g. --out ./${SERVICE_NAME}`);
    const cli = process.argv[1];
    if (!cli || !existsSync(cli))
      throw new SlipwayError(
        "INTERNAL",
        "Cannot tell which script runs this CLI.",
        "Run it as `slipway` or `npx slipway`.",
      );
    const units = systemdUnits({
      user,
      account: userInfo().username,
      dataDir: resolve(config.dataDir),
      node: process.execPath,
      cli: realpathSync(cli),
      host: config.host,
      port: config.port,
      edgePort: config.edgePort,
      httpsPort: httpsPortOf(config),
      upFlags: values.domain === undefined ? [] : ["--domain", config.domain],
      drainTimeoutMs: config.drainTimeoutMs,
      noNewPrivileges: !bwrapIsSetuid(onPath("bwrap", ctx.env.PATH ?? "")),
    });
    await mkdir(dirname(out), { recursive: true });
    const written: string[] = [];
    for (const unit of units) {
      const path = unit.name === SERVICE_NAME ? out : join(dirname(out), unit.name);
      await writeFile(path, unit.text, { mode: 0o644 });
      written.push(path);
    }
    const commands = enableCommands(units, user);
    if (ctx.json) ctx.printJson({ files: written, enable: commands });
    else
      ctx.print(`Wrote ${written.join(", ")}.\nTo enable and start it:\n${commands.map((c) => `  ${c}`).join("\n")}`);
    return 0;
  },
});

function defaultPath(user: boolean): string {
  return user ? join(homedir(), ".config/systemd/user/slipway.service") : "/etc/systemd/system/slipway.service";
}

function onPath(command: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return null;
}
