export { type PlatformConfig, parsePlatformConfig } from "./config.ts";
export { rotateDataDirKey } from "./rotate-key.ts";
export { type RunningPlatform, type RunningWorker, startPlatform, startWorker } from "./start.ts";
