import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import { defineCommand, usageError } from "../command.ts";
import { loadPlatform } from "../platform.ts";
import { readPassphrase } from "./admin-backup-passphrase.ts";

const USAGE =
  "slipway admin backup [--out FILE|-] [--data-dir .slipway] (--passphrase-file FILE | SLIPWAY_BACKUP_PASSPHRASE | --no-keys)";

export const adminBackup = defineCommand({
  path: ["admin", "backup"],
  summary: "Back up a data dir while the platform serves: database, aliased artifacts, keys (sealed), manifest",
  usage: USAGE,
  maxPositionals: 0,
  options: {
    out: { type: "string" },
    "data-dir": { type: "string" },
    "passphrase-file": { type: "string" },
    "no-keys": { type: "boolean" },
  },
  examples: [
    "SLIPWAY_BACKUP_PASSPHRASE=… slipway admin backup --out slipway.tar",
    "slipway admin backup --passphrase-file ~/.backup-pass --out - | ssh backup@host 'cat > slipway.tar'",
  ],
  async run(ctx, { values }) {
    // Reads the data dir itself, not the API: the database is copied with SQLite's online backup.
    const dataDir = resolve((values["data-dir"] as string | undefined) ?? ctx.env.SLIPWAY_DATA_DIR ?? ".slipway");
    const noKeys = values["no-keys"] === true;
    const given = await readPassphrase(ctx, values["passphrase-file"] as string | undefined);
    if (noKeys && given) throw usageError("--no-keys and a passphrase exclude each other.", USAGE);
    if (!noKeys && !given) {
      throw usageError(
        "A passphrase is needed to seal the key material: --passphrase-file FILE or SLIPWAY_BACKUP_PASSPHRASE (or --no-keys to leave the keys out).",
        USAGE,
      );
    }
    const platform = await loadPlatform();
    const passphrase = given ? platform.checkPassphrase(given.text, given.source) : null;
    const outArg =
      (values.out as string | undefined) ?? `slipway-backup-${new Date().toISOString().replace(/[:.]/g, "-")}.tar`;
    const toStdout = outArg === "-";
    const outPath = toStdout ? null : resolve(outArg);
    // Written beside the target and renamed at the end: a failed backup leaves no file that looks whole.
    const partial = outPath ? `${outPath}.partial` : null;
    const out: Writable = partial ? createWriteStream(partial, { flags: "wx", mode: 0o600 }) : ctx.stdout;
    const progress = (line: string) => ctx.stderr.write(`${line}\n`);
    try {
      const { manifest, bytes } = await platform.createBackup({
        dataDir,
        out,
        passphrase,
        masterKeyFromEnv: ctx.env.SLIPWAY_MASTER_KEY,
        progress,
      });
      if (partial && outPath) await rename(partial, outPath);
      const summary = {
        out: outPath ?? "-",
        schemaVersion: manifest.schemaVersion,
        deployments: manifest.deployments.length,
        files: manifest.files.length,
        bytes,
        keys: manifest.keys,
      };
      if (toStdout) progress(`Backup written to stdout: ${summary.files} files, ${summary.deployments} deployments.`);
      else if (ctx.json) ctx.printJson(summary);
      else
        ctx.print(
          `Backed up ${dataDir} to ${outPath}: schema ${summary.schemaVersion}, ${summary.deployments} aliased deployments, ${summary.files} files${manifest.keys ? ", keys sealed with the passphrase" : ", WITHOUT keys"}.`,
        );
      return 0;
    } catch (error) {
      if (partial) await rm(partial, { force: true });
      throw error;
    }
  },
});
