import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SlipwayError } from "@slipway/core";
import Database from "better-sqlite3";
import tar from "tar-stream";
import {
  BACKUP_FORMAT,
  type BackupEntry,
  type BackupManifest,
  ENTRY_NAMES,
  KEY_FILES,
  MANIFEST_ENTRY,
} from "./manifest.ts";
import { type KeyFiles, sealKeys } from "./sealed-keys.ts";

export interface BackupOptions {
  dataDir: string;
  out: Writable;
  /** Seals the key material; null leaves it out (`--no-keys`). */
  passphrase: string | null;
  /** SLIPWAY_MASTER_KEY, when the platform runs with it instead of `master.key`. */
  masterKeyFromEnv?: string | undefined;
  progress: (line: string) => void;
}

export interface BackupSummary {
  manifest: BackupManifest;
  bytes: number;
}

const slipwayVersion: string = createRequire(import.meta.url)("../../package.json").version;

/**
 * `slipway admin backup`: one tar stream of a data dir, safe while the platform serves. The
 * database and telemetry are copied with SQLite's online backup API (a consistent snapshot while
 * others write), then the artifacts of every deployment an alias points to in that snapshot
 * (immutable files, so reading them later is consistent too), the key material sealed with the
 * passphrase, and last the manifest with every entry's size and sha256.
 */
export async function createBackup(options: BackupOptions): Promise<BackupSummary> {
  const { dataDir, progress } = options;
  const dbPath = join(dataDir, ENTRY_NAMES.database);
  if (!(await stat(dbPath).catch(() => null))?.isFile()) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `${dataDir} holds no Slipway database (${dbPath} is missing).`,
      "Pass the data dir `slipway up` runs on with --data-dir.",
    );
  }
  const scratch = await mkdtemp(join(tmpdir(), "slipway-backup-"));
  try {
    progress(`snapshotting ${dbPath}`);
    const dbCopy = join(scratch, ENTRY_NAMES.database);
    await snapshot(dbPath, dbCopy);
    const { schemaVersion, artifacts } = readSnapshot(dbCopy);
    const telemetryPath = join(dataDir, ENTRY_NAMES.telemetry);
    const telemetryCopy = (await stat(telemetryPath).catch(() => null))?.isFile()
      ? join(scratch, ENTRY_NAMES.telemetry)
      : null;
    if (telemetryCopy) {
      progress(`snapshotting ${telemetryPath}`);
      await snapshot(telemetryPath, telemetryCopy);
    }

    const sources: Array<{ name: string; path: string }> = [{ name: ENTRY_NAMES.database, path: dbCopy }];
    if (telemetryCopy) sources.push({ name: ENTRY_NAMES.telemetry, path: telemetryCopy });
    for (const { key } of artifacts) sources.push({ name: `blobs/${key}`, path: join(dataDir, "blobs", key) });

    let keys: Buffer | null = null;
    if (options.passphrase === null) {
      progress(
        "WARNING: --no-keys: the backup holds no key material. Env values, secrets, webhook secrets and certificates in it will NOT decrypt after a restore unless you keep master.key yourself.",
      );
    } else {
      keys = await sealKeys(await readKeyFiles(dataDir, options.masterKeyFromEnv), options.passphrase);
    }

    const pack = tar.pack();
    const written = pipeline(pack, options.out);
    const files: BackupEntry[] = [];
    let bytes = 0;
    try {
      for (const [index, source] of sources.entries()) {
        const entry = await addFile(pack, source.name, source.path);
        files.push(entry);
        bytes += entry.size;
        progress(`[${index + 1}/${sources.length}] ${source.name} (${formatBytes(entry.size)})`);
      }
      if (keys) {
        files.push(await addBuffer(pack, ENTRY_NAMES.keys, keys));
        progress(`${ENTRY_NAMES.keys} (key material, sealed with the passphrase)`);
      }
      const manifest: BackupManifest = {
        format: BACKUP_FORMAT,
        schemaVersion,
        slipwayVersion,
        createdAt: new Date().toISOString(),
        keys: keys !== null,
        deployments: artifacts.map((artifact) => artifact.deploymentId),
        files,
      };
      await addBuffer(pack, MANIFEST_ENTRY, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
      pack.finalize();
      await written;
      return { manifest, bytes };
    } catch (error) {
      pack.destroy(error as Error);
      await written.catch(() => {});
      throw error;
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** SQLite's online backup: pages copied while other connections write, restarted if they do. */
async function snapshot(source: string, target: string): Promise<void> {
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    await db.backup(target);
  } finally {
    db.close();
  }
  // A plain file without -wal/-shm beside it, so a restore can check it read-only and the archive
  // holds one file per database; `slipway up` turns WAL on again when it opens the restored one.
  const copy = new Database(target);
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
}

/** The snapshot's schema version and the artifacts its aliases need (one per deployment). */
function readSnapshot(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const schemaVersion = db.pragma("user_version", { simple: true }) as number;
    const artifacts = db
      .prepare<[], { deploymentId: string; key: string }>(
        `SELECT DISTINCT d.id AS deploymentId, d.artifact_key AS key
           FROM aliases a JOIN deployments d ON d.id = a.deployment_id
          WHERE d.artifact_key IS NOT NULL ORDER BY d.id`,
      )
      .all();
    for (const { key } of artifacts) {
      // Our own rows, but the archive's names are a closed set a restore checks: refuse early.
      if (!ENTRY_NAMES.artifact.test(`blobs/${key}`)) {
        throw new SlipwayError("INTERNAL", `Artifact key ${JSON.stringify(key)} is not one Slipway writes.`);
      }
    }
    return { schemaVersion, artifacts };
  } finally {
    db.close();
  }
}

async function readKeyFiles(dataDir: string, masterKeyFromEnv: string | undefined): Promise<KeyFiles> {
  const files: KeyFiles = {};
  for (const name of KEY_FILES) {
    const content = await readFile(join(dataDir, name)).catch(() => null);
    if (content) files[name] = content;
  }
  if (!files["master.key"] && masterKeyFromEnv) files["master.key"] = Buffer.from(`${masterKeyFromEnv.trim()}\n`);
  if (!files["master.key"]) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `${join(dataDir, "master.key")} is missing and SLIPWAY_MASTER_KEY is not set: the backup would not decrypt.`,
      "Run the backup where the platform's master key is, or pass --no-keys to back up without it.",
    );
  }
  return files;
}

async function addFile(pack: tar.Pack, name: string, path: string): Promise<BackupEntry> {
  const { size } = await stat(path).catch(() => {
    throw new SlipwayError(
      "INTERNAL",
      `${path} is gone: an aliased deployment's artifact was removed during the backup.`,
      "Run the backup again.",
    );
  });
  const hash = createHash("sha256");
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mode: 0o600 }, (error) => (error ? reject(error) : resolve()));
    pipeline(createReadStream(path), hasher, entry).catch(reject);
  });
  return { path: name, size, sha256: hash.digest("hex") };
}

async function addBuffer(pack: tar.Pack, name: string, data: Buffer): Promise<BackupEntry> {
  await new Promise<void>((resolve, reject) =>
    pack.entry({ name, size: data.length, mode: 0o600 }, data, (error) => (error ? reject(error) : resolve())),
  );
  return { path: name, size: data.length, sha256: createHash("sha256").update(data).digest("hex") };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
