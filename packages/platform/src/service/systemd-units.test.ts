import { describe, expect, it } from "vitest";
import { enableCommands, type ServiceInput, systemdUnits } from "./systemd-units.ts";

const base: ServiceInput = {
  user: false,
  account: "slipway",
  dataDir: "/var/lib/slipway",
  node: "/usr/bin/node",
  cli: "/opt/slipway/apps/cli/bin/slipway.js",
  host: "0.0.0.0",
  port: 7300,
  edgePort: 80,
  httpsPort: 443,
  upFlags: ["--domain", "example.com"],
  drainTimeoutMs: 30_000,
  noNewPrivileges: true,
};

const unit = (units: ReturnType<typeof systemdUnits>, name: string) => units.find((u) => u.name === name)?.text ?? "";

describe("systemd units", () => {
  it("writes a hardened service that drains within its stop timeout and restarts on failure", () => {
    const units = systemdUnits(base);
    const service = unit(units, "slipway.service");
    expect(service).toContain(
      "ExecStart=/usr/bin/node /opt/slipway/apps/cli/bin/slipway.js up --data-dir /var/lib/slipway --host 0.0.0.0 --port 7300 --edge-port 80 --https-port 443 --domain example.com\n",
    );
    expect(service).toContain("User=slipway\n");
    expect(service).toContain("ProtectSystem=strict\nReadWritePaths=/var/lib/slipway\n");
    expect(service).toContain("PrivateTmp=yes\n");
    expect(service).toContain("NoNewPrivileges=yes\n");
    expect(service).toContain("Restart=on-failure\n");
    expect(service).toContain("KillMode=mixed\nTimeoutStopSec=45\n");
    expect(service).toContain("Environment=SLIPWAY_DRAIN_TIMEOUT_MS=30000\n");
    expect(service).toContain("Sockets=slipway-api.socket slipway-edge.socket slipway-https.socket\n");
    expect(service).toContain("WantedBy=multi-user.target\n");
    // The sandbox's needs: none of the settings that would take user namespaces, cgroups or tun away.
    expect(service).not.toMatch(/^(RestrictNamespaces|ProtectControlGroups|PrivateDevices)=/m);
  });

  it("gives each listener a socket unit whose descriptor name the platform reads back", () => {
    const units = systemdUnits({ ...base, host: "::", httpsPort: null });
    expect(units.map((u) => u.name)).toEqual(["slipway.service", "slipway-api.socket", "slipway-edge.socket"]);
    expect(unit(units, "slipway-edge.socket")).toContain("ListenStream=[::]:80\nFileDescriptorName=edge\n");
    expect(unit(units, "slipway-api.socket")).toContain("ListenStream=[::]:7300\nFileDescriptorName=api\n");
    expect(unit(units, "slipway.service")).not.toContain("--https-port");
  });

  it("leaves NoNewPrivileges off, saying why, where bubblewrap is setuid; user units run as their user", () => {
    const units = systemdUnits({ ...base, user: true, noNewPrivileges: false, dataDir: "/home/a b/.slipway" });
    const service = unit(units, "slipway.service");
    expect(service).not.toMatch(/^NoNewPrivileges=/m);
    expect(service).toContain("# NoNewPrivileges is off: bubblewrap is setuid");
    expect(service).not.toMatch(/^User=/m);
    expect(service).toContain('ReadWritePaths="/home/a b/.slipway"\n');
    expect(service).toContain("WantedBy=default.target\n");
    expect(enableCommands(units, true)[1]).toBe(
      "systemctl --user enable --now slipway.service slipway-api.socket slipway-edge.socket slipway-https.socket",
    );
  });
});
