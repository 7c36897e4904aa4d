import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SlipwayError } from "@slipway/core";
import { latestSchemaVersion } from "@slipway/local";
import Database from "better-sqlite3";
import tar from "tar-stream";
import { runningPid } from "../pid-file.ts";
import { formatBytes } from "./create-backup.ts";
import {
  BACKUP_FORMAT,
  type BackupEntry,
  type BackupManifest,
  ENTRY_NAMES,
  isAllowedEntry,
  KEY_FILES,
  MANIFEST_ENTRY,
  manifestSchema,
} from "./manifest.ts";
import { openKeys } from "./sealed-keys.ts";

export interface RestoreOptions {
  archive: Readable;
  dataDir: string;
  /** Opens the sealed keys; null for an archive made with `--no-keys`. */
  passphrase: string | null;
  progress: (line: string) => void;
}

const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * `slipway admin restore`: unpacks an archive into a staging folder beside the data dir, checks
 * every entry against the manifest (sizes, sha256, names, schema version, the database's own
 * integrity) and opens the keys, and only then renames the staging folder into place: a damaged
 * archive or a wrong passphrase leaves the data dir as it was.
 */
export async function restoreBackup(options: RestoreOptions): Promise<BackupManifest> {
  const { dataDir, progress } = options;
  await refuseUsedDataDir(dataDir);
  const staging = join(dirname(dataDir), `.${basename(dataDir)}.restore-${process.pid}-${Date.now()}`);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    const { manifest, seen } = await unpackArchive(options.archive, staging, progress);
    checkAgainstManifest(manifest, seen);
    checkDatabase(join(staging, ENTRY_NAMES.database), manifest);
    if (manifest.keys) {
      if (options.passphrase === null) {
        throw new SlipwayError(
          "INVALID_INPUT",
          "The backup holds key material sealed with a passphrase, and none was given.",
          "Pass --passphrase-file FILE or set SLIPWAY_BACKUP_PASSPHRASE.",
        );
      }
      await writeKeys(staging, await openKeys(await readStaged(staging, ENTRY_NAMES.keys), options.passphrase));
      await rm(join(staging, ENTRY_NAMES.keys));
      progress("key material opened");
    } else {
      progress(
        "WARNING: this backup was made with --no-keys: env values, secrets and certificates will not decrypt unless you put the original master.key into the data dir before `slipway up`.",
      );
    }
    await refuseUsedDataDir(dataDir); // again: someone may have started on it meanwhile
    await rmdir(dataDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await rename(staging, dataDir);
    progress(`restored into ${dataDir}`);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function refuseUsedDataDir(dataDir: string): Promise<void> {
  const pid = runningPid(dataDir);
  if (pid !== null) {
    throw new SlipwayError(
      "DATA_DIR_IN_USE",
      `Slipway (pid ${pid}) is running on ${dataDir}.`,
      "Restore into a new, empty data dir, or stop that platform and move its data dir away first.",
    );
  }
  const entries = await readdir(dataDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new SlipwayError(
      "DATA_DIR_IN_USE",
      `${dataDir} is not empty (${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}): a restore never overwrites a data dir.`,
      "Pass a new or empty --data-dir.",
    );
  }
}

/** Every entry streamed into staging with its size and sha256; the manifest kept for last. */
async function unpackArchive(archive: Readable, staging: string, progress: (line: string) => void) {
  const seen = new Map<string, BackupEntry>();
  let manifestText: string | null = null;
  let last = "(start of the archive)";
  /** The entry whose header was read last: where a cut or a broken header is. */
  let current: string | null = null;
  // The only folder an entry may be in (isAllowedEntry): made before the first entry is read.
  await mkdir(join(staging, "blobs", "artifacts"), { recursive: true, mode: 0o700 });
  const extract = tar.extract();
  const feeding = pipeline(archive, extract);
  feeding.catch(() => {}); // the same error ends the loop below; awaited after it
  try {
    for await (const stream of extract) {
      const { name, type } = stream.header;
      current = name;
      if (type !== "file") throw invalid(`entry ${JSON.stringify(name)} is a ${type}, not a file`);
      if (manifestText !== null) throw invalid(`entry ${JSON.stringify(name)} comes after ${MANIFEST_ENTRY}`);
      if (seen.has(name)) throw invalid(`entry ${JSON.stringify(name)} appears twice`);
      if (name === MANIFEST_ENTRY) {
        if ((stream.header.size ?? 0) > MAX_MANIFEST_BYTES) throw invalid(`${MANIFEST_ENTRY} is larger than 16 MB`);
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        manifestText = Buffer.concat(chunks).toString("utf8");
      } else {
        if (!isAllowedEntry(name)) throw invalid(`entry ${JSON.stringify(name)} is not a file a backup holds`);
        const target = join(staging, name);
        const hash = createHash("sha256");
        let size = 0;
        const hasher = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        // No await between the entry and its pipeline: a stream destroyed before anyone listens
        // (the archive ending meanwhile) would never settle.
        await pipeline(stream, hasher, createWriteStream(target, { flags: "wx", mode: 0o600 }));
        seen.set(name, { path: name, size, sha256: hash.digest("hex") });
        progress(`read ${name} (${formatBytes(size)})`);
      }
      last = name;
      current = null;
    }
    await feeding;
  } catch (error) {
    extract.destroy();
    if (error instanceof SlipwayError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const where = current ? `in ${current} (after ${last})` : `after ${last}`;
    throw invalid(`the archive is damaged or cut short ${where}: ${reason}`);
  }
  if (manifestText === null) {
    throw invalid(`the archive ends after ${last} without ${MANIFEST_ENTRY}: it is truncated or not a Slipway backup`);
  }
  let manifest: BackupManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(manifestText));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw invalid(`${MANIFEST_ENTRY} is not a format-${BACKUP_FORMAT} Slipway backup manifest (${reason})`);
  }
  return { manifest, seen };
}

/** Every file the manifest lists is there with its size and checksum, and nothing else is. */
function checkAgainstManifest(manifest: BackupManifest, seen: Map<string, BackupEntry>): void {
  const latest = latestSchemaVersion();
  if (manifest.schemaVersion > latest) {
    throw new SlipwayError(
      "SCHEMA_TOO_NEW",
      `The backup's database has schema version ${manifest.schemaVersion}, newer than this Slipway knows (${latest}); it was made by Slipway ${manifest.slipwayVersion}.`,
      "Restore it with that Slipway version or a newer one.",
    );
  }
  for (const expected of manifest.files) {
    const got = seen.get(expected.path);
    if (!got) throw invalid(`${expected.path} is listed in the manifest but missing from the archive`);
    if (got.size !== expected.size || got.sha256 !== expected.sha256) {
      throw invalid(
        `${expected.path} is damaged: ${got.size} bytes with sha256 ${got.sha256.slice(0, 12)}…, the manifest says ${expected.size} bytes with ${expected.sha256.slice(0, 12)}…`,
      );
    }
  }
  const listed = new Set(manifest.files.map((file) => file.path));
  for (const name of seen.keys()) {
    if (!listed.has(name)) throw invalid(`${name} is in the archive but not in its manifest`);
  }
  if (!listed.has(ENTRY_NAMES.database)) throw invalid(`the archive holds no ${ENTRY_NAMES.database}`);
  if (manifest.keys !== listed.has(ENTRY_NAMES.keys)) {
    throw invalid(
      `the manifest says keys: ${manifest.keys}, yet ${ENTRY_NAMES.keys} is ${manifest.keys ? "missing" : "there"}`,
    );
  }
}

/** The database file itself: SQLite's integrity check, and the schema version the manifest names. */
function checkDatabase(path: string, manifest: BackupManifest): void {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const version = db.pragma("user_version", { simple: true }) as number;
    const integrity = db.pragma("integrity_check", { simple: true });
    if (version !== manifest.schemaVersion) {
      throw invalid(
        `${ENTRY_NAMES.database} has schema version ${version}, the manifest says ${manifest.schemaVersion}`,
      );
    }
    if (integrity !== "ok")
      throw invalid(`${ENTRY_NAMES.database} fails SQLite's integrity check: ${String(integrity)}`);
  } catch (error) {
    if (error instanceof SlipwayError) throw error;
    throw invalid(
      `${ENTRY_NAMES.database} cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    db?.close();
  }
}

async function writeKeys(staging: string, files: Record<string, Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    if (!(KEY_FILES as readonly string[]).includes(name)) throw invalid(`keys.enc holds an unexpected file ${name}`);
    await mkdir(dirname(join(staging, name)), { recursive: true, mode: 0o700 });
    await writeFile(join(staging, name), content, { mode: 0o600, flag: "wx" });
  }
}

async function readStaged(staging: string, name: string): Promise<Buffer> {
  const path = join(staging, name);
  if (!(await stat(path)).isFile()) throw invalid(`${name} is not a file`);
  return readFile(path);
}

function invalid(what: string): SlipwayError {
  return new SlipwayError(
    "BACKUP_INVALID",
    `Backup refused: ${what}. Nothing was written to the data dir.`,
    "Use another copy of the backup; check it with `sha256sum` against where it was made.",
  );
}
