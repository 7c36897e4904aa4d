// The sites' function entries on Lambda, and what the Deployer needs to set them up.
export { installAwsBackends } from "./aws-backends.ts";
export {
  IMAGE_ENTRY_FILE,
  IMAGE_ENTRY_HANDLER,
  SERVER_ENTRY_ENV,
  SERVER_ENTRY_FILE,
  SERVER_ENTRY_HANDLER,
} from "./entry-env.ts";
export {
  applyServerEnv,
  loadServerEnv,
  openServerEnv,
  type ServerEnv,
  type SnapshotLocation,
  sealServerEnv,
} from "./env-snapshot.ts";
export { ORIGIN_SECRET_HEADER, originSecretMatches, takeOriginSecret } from "./origin-secret.ts";
