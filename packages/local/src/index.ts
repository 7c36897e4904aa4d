// Local adapters for the core's ports (see docs in each file) and what the platform wires them with.
export { createFsBlobStore } from "./blob-store/filesystem.ts";
export { type AcmeIssuerOptions, acmeDirectoryUrl, createAcmeIssuer } from "./certificates/acme.ts";
export { createNodeDnsResolver } from "./dns/node-resolver.ts";
export { createLsRemoteGit } from "./git-remote/ls-remote.ts";
export { createSqliteLogStore } from "./log-store/sqlite.ts";
export { createSqliteQueue, type DeadJob, type SqliteQueue, type SqliteQueueOptions } from "./queue/sqlite.ts";
export { type AesGcmSecrets, type AesGcmSecretsOptions, createAesGcmSecrets } from "./secrets/aes-gcm.ts";
export { type RotationResult, rotateMasterKey } from "./secrets/rotate.ts";
export { openSqlite, type SqliteDatabase } from "./sqlite/open.ts";
export { createSqliteChangeStamp } from "./store/change-stamp.ts";
export { createSqliteDomainRoutes } from "./store/domain-routes.ts";
export { latestSchemaVersion, runMigrations } from "./store/migrate.ts";
export { sealProjectSecrets } from "./store/seal-project-secrets.ts";
export { createSqliteStore } from "./store/sqlite.ts";
export { createSqliteTelemetryStore } from "./telemetry-store/sqlite.ts";
