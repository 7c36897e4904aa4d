import {
  bwrapFeatures,
  type CgroupSupport,
  cgroupSupport,
  type NetworkIsolation,
  type NetworkMode,
  networkIsolationStatus,
  slirpResolvConf,
} from "@slipway/sandbox";
import type { WorkerLimits } from "./limits.ts";
import { bwrapAvailable } from "./sandbox.ts";

/** What the function host can enforce on this machine, decided once when it is created. */
export interface WorkerIsolation {
  readonly sandbox: boolean;
  readonly network: NetworkIsolation;
  /** resolv.conf naming slirp's DNS, when the network is isolated. */
  readonly resolvConf: string | null;
  readonly memory: "cgroup" | "heap only";
  readonly cgroup: CgroupSupport;
  /** `--size` for the /tmp tmpfs, or null: then /tmp pages count against the memory limit instead. */
  readonly tmpBytes: number | null;
  /** One line per limit, for start-up logs and `slipway doctor`. */
  readonly notes: string[];
}

export function resolveWorkerIsolation(
  mode: "auto" | "bwrap" | "none",
  network: NetworkMode,
  limits: WorkerLimits,
  workerPath: string,
): WorkerIsolation {
  const sandbox = mode === "bwrap" || (mode !== "none" && bwrapAvailable(workerPath));
  const net = sandbox ? networkIsolationStatus(network) : networkIsolationStatus("host");
  const cgroup = cgroupSupport();
  const sized = sandbox && bwrapFeatures().tmpfsSize;
  const tmpBytes = sized ? limits.tmpMb * 1024 * 1024 : null;
  const notes = [
    sandbox ? "workers run in bubblewrap" : "⚠ workers run WITHOUT a sandbox (bubblewrap missing or turned off)",
    `network: ${net.mode === "isolated" ? net.note : `⚠ ${net.note}`}`,
    cgroup.memory
      ? `memory: ${limits.memoryMb} MB per worker (${cgroup.note}); a worker past it is killed and reported out-of-memory (V8's heap is sized from the machine: Node cannot see the limit inside the sandbox)`
      : `memory: ⚠ V8 heap limit only (${cgroup.note}); native memory and Buffers are not capped`,
    sized
      ? `/tmp: private tmpfs of ${limits.tmpMb} MB per worker`
      : "/tmp: private tmpfs without a size (bwrap has no --size); its pages count against the worker's memory limit",
  ];
  return {
    sandbox,
    network: net,
    resolvConf: net.mode === "isolated" ? slirpResolvConf() : null,
    memory: cgroup.memory ? "cgroup" : "heap only",
    cgroup,
    tmpBytes,
    notes,
  };
}
