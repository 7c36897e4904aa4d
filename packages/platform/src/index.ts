export { type BackupOptions, type BackupSummary, createBackup } from "./backup/create-backup.ts";
export type { BackupManifest } from "./backup/manifest.ts";
export { type RestoreOptions, restoreBackup } from "./backup/restore-backup.ts";
export { checkPassphrase } from "./backup/sealed-keys.ts";
export { httpsPortOf } from "./certificates.ts";
export { type PlatformConfig, parsePlatformConfig } from "./config.ts";
export { buildDashboardArtifact, DASHBOARD_PROJECT, type DashboardArtifact } from "./dashboard-artifact.ts";
export { diskStatus } from "./disk/sweeper.ts";
export { type Check, type CheckStatus, diagnose } from "./doctor/index.ts";
export { runningPid } from "./pid-file.ts";
export {
  HANDOFF_FROM_ENV,
  inheritedListeners,
  withoutListenerEnv,
} from "./restart/inherited-listeners.ts";
export { RESTART_SIGNAL, serveUntilStopped } from "./restart/serve.ts";
export { signalReady } from "./restart/successor.ts";
export { rotateDataDirKey } from "./rotate-key.ts";
export { createLogWriter, stderrIsJournal } from "./service/journal.ts";
export { bwrapIsSetuid, enableCommands, SERVICE_NAME, systemdUnits } from "./service/systemd-units.ts";
export { type RunningPlatform, startPlatform } from "./start.ts";
export { type RunningTelemetry, retentionOf, startTelemetry } from "./telemetry/start-telemetry.ts";
export { createThreadedTelemetryStore } from "./telemetry/threaded-store.ts";
export { type RunningWorker, startWorker } from "./worker.ts";
