export { type PlatformConfig, parsePlatformConfig } from "./config.ts";
export { type RunningPlatform, startPlatform } from "./start.ts";
