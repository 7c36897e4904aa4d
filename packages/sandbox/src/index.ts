export { BOX_TMPDIR, type BwrapOptions, bwrapArgs, type SandboxMounts, type SandboxNetwork } from "./bwrap-args.ts";
export {
  bwrapFeatures,
  type NetworkIsolation,
  type NetworkMode,
  networkIsolationStatus,
  type SandboxCapabilities,
  sandboxCapabilities,
} from "./capabilities.ts";
export {
  type Cgroup,
  type CgroupLimits,
  type CgroupSupport,
  cgroupSupport,
  createCgroup,
  reclaimOrphanedCgroups,
  sweepEmptyCgroups,
} from "./cgroup.ts";
export { type Box, type BoxLaunch, launchBox, launchDirect } from "./launch.ts";
export { findSlirp, SLIRP_DNS, slirpResolvConf } from "./slirp.ts";
export { SpareBox, type SpareSpec } from "./spare.ts";
