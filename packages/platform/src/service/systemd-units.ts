import { statSync } from "node:fs";
import type { ListenerName } from "../restart/inherited-listeners.ts";

export interface ServiceInput {
  /** A per-user unit (`systemctl --user`) instead of a system one. */
  readonly user: boolean;
  /** The account a system unit runs as (ignored for a user unit). */
  readonly account: string;
  readonly dataDir: string;
  /** Node and the CLI script: what `ExecStart` runs (a newer build at the same path is an upgrade). */
  readonly node: string;
  readonly cli: string;
  readonly host: string;
  readonly port: number;
  readonly edgePort: number;
  readonly httpsPort: number | null;
  /** Extra `slipway up` flags (`--domain`), passed as they are. */
  readonly upFlags: readonly string[];
  readonly drainTimeoutMs: number;
  /**
   * The sandbox needs no setuid helper (bubblewrap runs on unprivileged user namespaces), so
   * `NoNewPrivileges` costs nothing; a setuid bwrap would stop working under it.
   */
  readonly noNewPrivileges: boolean;
}

export interface UnitFile {
  readonly name: string;
  readonly text: string;
}

export const SERVICE_NAME = "slipway.service";
/** Beyond the drain: the stop of workers and the database after it. */
const STOP_MARGIN_S = 15;

/**
 * The service and one socket unit per listener. systemd holds the sockets: across a stop, a
 * restart or a crash connections wait in the listen queue instead of being refused, and the
 * process gets them by name (`FileDescriptorName`, read back from `LISTEN_FDNAMES`).
 */
export function systemdUnits(input: ServiceInput): UnitFile[] {
  const listeners: Array<[ListenerName, number]> = [
    ["api", input.port],
    ["edge", input.edgePort],
    ...(input.httpsPort === null ? [] : [["https", input.httpsPort] as [ListenerName, number]]),
  ];
  const sockets = listeners.map(([name, port]) => socketUnit(name, listenAddress(input.host, port)));
  return [serviceUnit(input, sockets.map((socket) => socket.name).join(" ")), ...sockets];
}

function serviceUnit(input: ServiceInput, sockets: string): UnitFile {
  const exec = [
    input.node,
    input.cli,
    "up",
    "--data-dir",
    input.dataDir,
    "--host",
    input.host,
    "--port",
    String(input.port),
    "--edge-port",
    String(input.edgePort),
    ...(input.httpsPort === null ? [] : ["--https-port", String(input.httpsPort)]),
    ...input.upFlags,
  ]
    .map(quote)
    .join(" ");
  const stopSeconds = Math.ceil(input.drainTimeoutMs / 1000) + STOP_MARGIN_S;
  const lines = [
    "# Written by `slipway admin install-service`; docs/operations.md explains each setting.",
    "[Unit]",
    "Description=Slipway: deployments of Next.js apps",
    "After=network-online.target",
    "Wants=network-online.target",
    `Requires=${sockets}`,
    `After=${sockets}`,
    "",
    "[Service]",
    "Type=simple",
    ...(input.user ? [] : [`User=${input.account}`]),
    `ExecStart=${exec}`,
    `Sockets=${sockets}`,
    `Environment=SLIPWAY_DRAIN_TIMEOUT_MS=${input.drainTimeoutMs}`,
    "SyslogIdentifier=slipway",
    "Restart=on-failure",
    "RestartSec=2",
    "# SIGTERM drains: listeners stop accepting (the sockets stay open in systemd) and requests and",
    "# streams in flight finish, up to SLIPWAY_DRAIN_TIMEOUT_MS; then workers stop. The rest of the",
    "# unit's processes (a build in progress, started again at the next start) are killed after.",
    "KillMode=mixed",
    `TimeoutStopSec=${stopSeconds}`,
    "LimitNOFILE=65536",
    "# Hardening. Builds and workers run in bubblewrap (user namespaces, cgroups, /dev/net/tun for",
    "# slirp4netns): no RestrictNamespaces, ProtectControlGroups or PrivateDevices.",
    "ProtectSystem=strict",
    `ReadWritePaths=${quote(input.dataDir)}`,
    "ProtectHome=read-only",
    "PrivateTmp=yes",
    input.noNewPrivileges
      ? "NoNewPrivileges=yes"
      : "# NoNewPrivileges is off: bubblewrap is setuid on this machine and would stop working under it.",
    "",
    "[Install]",
    `WantedBy=${input.user ? "default.target" : "multi-user.target"}`,
    "",
  ];
  return { name: SERVICE_NAME, text: lines.join("\n") };
}

function socketUnit(name: ListenerName, address: string): UnitFile {
  const text = [
    `# Written by \`slipway admin install-service\`: the ${name} listener of ${SERVICE_NAME}.`,
    "[Unit]",
    `Description=Slipway ${name} socket`,
    `PartOf=${SERVICE_NAME}`,
    "",
    "[Socket]",
    `ListenStream=${address}`,
    `FileDescriptorName=${name}`,
    `Service=${SERVICE_NAME}`,
    "# Connections that arrive while the service restarts wait here.",
    "Backlog=4096",
    "",
    "[Install]",
    "WantedBy=sockets.target",
    "",
  ].join("\n");
  return { name: `slipway-${name}.socket`, text };
}

function listenAddress(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** systemd's command-line quoting: plain words as they are, anything else in double quotes. */
function quote(word: string): string {
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(word)) return word;
  return `"${word
    .replace(/(["\\])/g, "\\$1")
    .replace(/\$/g, "$$$$")
    .replace(/%/g, "%%")}"`;
}

/** How to turn the units on, for the command to print. */
export function enableCommands(units: readonly UnitFile[], user: boolean): string[] {
  const systemctl = user ? "systemctl --user" : "sudo systemctl";
  const names = units.map((unit) => unit.name);
  return [
    `${systemctl} daemon-reload`,
    `${systemctl} enable --now ${names.join(" ")}`,
    ...(user ? ["loginctl enable-linger $USER   # keep it running when you log out"] : []),
    `journalctl ${user ? "--user " : ""}-u ${SERVICE_NAME} -f   # its log`,
  ];
}

/** Whether bubblewrap at `path` is setuid root (then NoNewPrivileges would break the sandbox). */
export function bwrapIsSetuid(path: string | null): boolean {
  if (path === null) return false;
  try {
    return (statSync(path).mode & 0o4000) !== 0;
  } catch {
    return false;
  }
}
