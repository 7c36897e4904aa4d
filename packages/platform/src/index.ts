export { type PlatformConfig, parsePlatformConfig } from "./config.ts";
export { type Check, type CheckStatus, diagnose } from "./doctor/index.ts";
export { rotateDataDirKey } from "./rotate-key.ts";
export { type RunningPlatform, startPlatform } from "./start.ts";
