import { z } from "zod";

/** The archive's format; a restore refuses a format it does not know instead of guessing. */
export const BACKUP_FORMAT = 1;
/** The last entry of every archive: written once every other entry's checksum is known. */
export const MANIFEST_ENTRY = "manifest.json";

/** One file of the archive, with what a restore checks before writing anything. */
const entrySchema = z.object({
  /** Its name in the archive, which is also its path below the data dir (keys: inside `keys.enc`). */
  path: z.string().min(1),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  /** `user_version` of `slipway.db` in the archive: a restore refuses one newer than it knows. */
  schemaVersion: z.number().int().positive(),
  slipwayVersion: z.string(),
  createdAt: z.string(),
  /** false: made with `--no-keys`; env values, secrets and certificates will not decrypt. */
  keys: z.boolean(),
  /** The deployments whose artifacts are in the archive (every aliased one). */
  deployments: z.array(z.string()),
  files: z.array(entrySchema),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupEntry = z.infer<typeof entrySchema>;

/**
 * Names an archive entry may have: a fixed set of files and artifact blobs. A restore writes
 * only these, so a hostile archive cannot name `../../etc/passwd` or overwrite the pid file.
 */
export const ENTRY_NAMES = {
  database: "slipway.db",
  telemetry: "telemetry.db",
  keys: "keys.enc",
  artifact: /^blobs\/artifacts\/[A-Za-z0-9_-]{1,100}\.tar$/,
} as const;

export function isAllowedEntry(name: string): boolean {
  return (
    name === ENTRY_NAMES.database ||
    name === ENTRY_NAMES.telemetry ||
    name === ENTRY_NAMES.keys ||
    ENTRY_NAMES.artifact.test(name)
  );
}

/** Key material the archive carries sealed in `keys.enc`, by path below the data dir. */
export const KEY_FILES = ["master.key", "auth-secret", "admin-token", "acme/account.key"] as const;
