import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { SlipwayError } from "@slipway/core/errors";
import { defineCommand, requirePositional } from "../command.ts";
import { loadPlatform } from "../platform.ts";
import { readPassphrase } from "./admin-backup-passphrase.ts";

const USAGE = "slipway admin restore FILE|- --data-dir DIR [--passphrase-file FILE]";

export const adminRestore = defineCommand({
  path: ["admin", "restore"],
  summary: "Restore a backup into a new, empty data dir, after checking every checksum and the schema version",
  usage: USAGE,
  maxPositionals: 1,
  options: { "data-dir": { type: "string" }, "passphrase-file": { type: "string" } },
  examples: ["SLIPWAY_BACKUP_PASSPHRASE=… slipway admin restore slipway.tar --data-dir /srv/slipway"],
  async run(ctx, { values, positionals }) {
    const file = requirePositional(positionals, 0, "The backup file (or - for stdin)", USAGE);
    const dataDir = resolve((values["data-dir"] as string | undefined) ?? ctx.env.SLIPWAY_DATA_DIR ?? ".slipway");
    const platform = await loadPlatform();
    const given = await readPassphrase(ctx, values["passphrase-file"] as string | undefined);
    // Only the length rule of a new passphrase does not apply here: the backup's own is the right one.
    const passphrase = given ? given.text.replace(/\r?\n$/, "") : null;
    if (file !== "-") {
      const info = await stat(resolve(file)).catch((error: NodeJS.ErrnoException) => {
        throw new SlipwayError("INVALID_INPUT", `Cannot read the backup ${file}: ${error.code ?? error.message}.`);
      });
      if (!info.isFile()) throw new SlipwayError("INVALID_INPUT", `The backup ${file} is not a file.`);
    }
    const archive = file === "-" ? ctx.stdin : createReadStream(resolve(file));
    const manifest = await platform.restoreBackup({
      archive,
      dataDir,
      passphrase,
      progress: (line) => ctx.stderr.write(`${line}\n`),
    });
    const summary = {
      dataDir,
      schemaVersion: manifest.schemaVersion,
      createdAt: manifest.createdAt,
      deployments: manifest.deployments.length,
      keys: manifest.keys,
    };
    if (ctx.json) ctx.printJson(summary);
    else
      ctx.print(
        `Restored the backup of ${manifest.createdAt} (schema ${manifest.schemaVersion}, ${summary.deployments} aliased deployments) into ${dataDir}. Start it with \`slipway up --data-dir ${dataDir}\`.`,
      );
    return 0;
  },
});
