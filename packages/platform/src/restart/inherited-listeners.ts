import { SlipwayError } from "@slipway/core";

/** The platform's listening sockets, by the names systemd socket units and the handoff give them. */
export const LISTENER_NAMES = ["api", "edge", "https"] as const;
export type ListenerName = (typeof LISTENER_NAMES)[number];
export type InheritedListeners = Partial<Record<ListenerName, number>>;

/** Set by `slipway admin restart` for its successor: `api=3,edge=4,https=5`. */
export const HANDOFF_FDS_ENV = "SLIPWAY_LISTEN_FDS";
/** The pipe the successor writes `ready` to once it serves. */
export const READY_FD_ENV = "SLIPWAY_READY_FD";
/** The pid of the process handing over: its pid file does not stop the successor. */
export const HANDOFF_FROM_ENV = "SLIPWAY_HANDOFF_FROM";

/** sd_listen_fds(3): the first passed descriptor. */
const SD_LISTEN_FDS_START = 3;

/**
 * The listening sockets this process was given, from systemd socket activation (`LISTEN_PID`,
 * `LISTEN_FDS`, `LISTEN_FDNAMES`, each socket unit naming its descriptor `api`, `edge` or
 * `https`) or from a restarting predecessor (`SLIPWAY_LISTEN_FDS`). Empty when neither: the
 * platform binds its ports itself.
 */
export function inheritedListeners(env: NodeJS.ProcessEnv, pid: number): InheritedListeners {
  const handoff = env[HANDOFF_FDS_ENV];
  if (handoff) return parseHandoff(handoff);
  // systemd sets LISTEN_PID so a child that inherited the environment does not take them too.
  if (!env.LISTEN_FDS || Number(env.LISTEN_PID) !== pid) return {};
  const count = Number(env.LISTEN_FDS);
  const names = (env.LISTEN_FDNAMES ?? "").split(":");
  if (!Number.isInteger(count) || count < 1 || names.length !== count) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `systemd passed ${env.LISTEN_FDS} sockets named "${env.LISTEN_FDNAMES ?? ""}".`,
      "Give each socket unit FileDescriptorName=api, edge or https (slipway admin install-service writes them so).",
    );
  }
  const listeners: InheritedListeners = {};
  names.forEach((name, i) => {
    listeners[listenerName(name, "LISTEN_FDNAMES")] = SD_LISTEN_FDS_START + i;
  });
  return listeners;
}

function parseHandoff(value: string): InheritedListeners {
  const listeners: InheritedListeners = {};
  for (const pair of value.split(",")) {
    const [name = "", fd = ""] = pair.split("=");
    if (!/^\d+$/.test(fd) || Number(fd) < SD_LISTEN_FDS_START) {
      throw new SlipwayError("INVALID_CONFIG", `${HANDOFF_FDS_ENV} has "${pair}".`, "Expected name=fd pairs, fd ≥ 3.");
    }
    listeners[listenerName(name, HANDOFF_FDS_ENV)] = Number(fd);
  }
  return listeners;
}

function listenerName(name: string, source: string): ListenerName {
  if ((LISTENER_NAMES as readonly string[]).includes(name)) return name as ListenerName;
  throw new SlipwayError(
    "INVALID_CONFIG",
    `${source} names a socket "${name}".`,
    `Each socket is one of ${LISTENER_NAMES.join(", ")}.`,
  );
}

/** The environment a child must not inherit: the sockets are this process's, not its builds'. */
export function withoutListenerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  for (const key of ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", HANDOFF_FDS_ENV, READY_FD_ENV, HANDOFF_FROM_ENV])
    delete rest[key];
  return rest;
}
