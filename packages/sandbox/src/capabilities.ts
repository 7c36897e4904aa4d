import { execFileSync } from "node:child_process";
import { SlipwayError } from "@slipway/core";
import { type CgroupSupport, cgroupSupport } from "./cgroup.ts";
import { findSlirp } from "./slirp.ts";
import { SYSTEM_PATH } from "./system-program.ts";

/** `auto`: isolated when slirp4netns is installed, else the host's network (with a warning). */
export type NetworkMode = "auto" | "isolated" | "host";

export interface NetworkIsolation {
  /** `isolated`: own network namespace, outbound through slirp4netns, no host loopback. */
  readonly mode: "isolated" | "host";
  readonly slirp4netns: string | null;
  /** One line for logs and `slipway doctor`. */
  readonly note: string;
}

export interface SandboxCapabilities {
  readonly bwrap: { readonly works: boolean; readonly tmpfsSize: boolean };
  readonly network: NetworkIsolation;
  readonly cgroup: CgroupSupport;
}

/**
 * What network a sandbox gets for the requested mode. `isolated` without slirp4netns is a
 * configuration error the caller reports; `auto` falls back to the host's network and says so.
 */
export function networkIsolationStatus(mode: NetworkMode = "auto"): NetworkIsolation {
  const slirp = mode === "host" ? null : findSlirp();
  if (slirp !== null) {
    return {
      mode: "isolated",
      slirp4netns: slirp,
      note: "own network namespace via slirp4netns, host loopback blocked",
    };
  }
  if (mode === "isolated") {
    throw new SlipwayError(
      "INVALID_CONFIG",
      'Sandbox network "isolated" requested but slirp4netns is not installed.',
      "Install slirp4netns (apt-get install slirp4netns), or set SLIPWAY_SANDBOX_NETWORK=auto to fall back to the host's network.",
    );
  }
  return {
    mode: "host",
    slirp4netns: null,
    note:
      mode === "host"
        ? "host network (isolation turned off): sandboxes reach every loopback service, the admin API included"
        : "slirp4netns is not installed: sandboxes share the host network and reach every loopback service, the admin API included",
  };
}

/** Everything the sandboxes can enforce on this host, for `slipway doctor` and start-up logs. */
export function sandboxCapabilities(mode: NetworkMode = "auto", bwrapPath = "bwrap"): SandboxCapabilities {
  return {
    bwrap: bwrapFeatures(bwrapPath),
    network:
      mode === "isolated" && findSlirp() === null ? networkIsolationStatus("auto") : networkIsolationStatus(mode),
    cgroup: cgroupSupport(),
  };
}

const features = new Map<string, { works: boolean; tmpfsSize: boolean }>();

/** Whether bwrap runs here (containers often forbid its namespaces) and knows `--size` (0.7+). */
export function bwrapFeatures(bwrapPath = "bwrap"): { works: boolean; tmpfsSize: boolean } {
  let found = features.get(bwrapPath);
  if (found === undefined) {
    const probe = (args: string[]) => {
      try {
        execFileSync(bwrapPath, args, { stdio: "ignore", env: { PATH: SYSTEM_PATH } });
        return true;
      } catch {
        return false;
      }
    };
    const works = probe(["--unshare-all", "--ro-bind", "/", "/", "true"]);
    const tmpfsSize =
      works && probe(["--unshare-all", "--ro-bind", "/", "/", "--size", "1048576", "--tmpfs", "/tmp", "true"]);
    found = { works, tmpfsSize };
    features.set(bwrapPath, found);
  }
  return found;
}
