import { join } from "node:path";
import type { DoctorProbes } from "./probes.ts";

export type CheckStatus = "ok" | "warn" | "fail";

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** How to fix it; set when the status is not ok. */
  fix?: string;
}

/** The oldest Node the platform runs on (package.json engines). */
const MIN_NODE: [number, number] = [20, 19];
/** Controllers resource limits on builds and workers are made of. */
const LIMIT_CONTROLLERS = ["cpu", "memory", "pids"];
const BWRAP_PROBE = ["--ro-bind", "/", "/", "true"];

/**
 * Every prerequisite of `slipway up`, one line each. `fail` is for what stops the platform or
 * breaks deploys; `warn` for what it runs without, less safely (no sandbox, no limits).
 */
export function runChecks(probes: DoctorProbes, options: { dataDir: string }): Check[] {
  return [
    checkNode(probes),
    checkGit(probes),
    ...checkBubblewrap(probes),
    checkNetworkHelpers(probes),
    checkCgroups(probes),
    checkPrlimit(probes),
    ...checkDataDir(probes, options.dataDir),
  ];
}

function checkNode(probes: DoctorProbes): Check {
  const [major = 0, minor = 0] = probes.nodeVersion.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  const detail = `v${probes.nodeVersion} (needs ${MIN_NODE.join(".")} or newer)`;
  return ok
    ? { name: "node", status: "ok", detail }
    : { name: "node", status: "fail", detail, fix: "Install Node.js 22 LTS (https://nodejs.org or nvm install 22)." };
}

function checkGit(probes: DoctorProbes): Check {
  const version = probes.which("git") ? probes.run("git", ["--version"]) : null;
  if (version?.code === 0) return { name: "git", status: "ok", detail: version.output };
  return {
    name: "git",
    status: "fail",
    detail: "git is not on PATH: builds cannot clone",
    fix: "apt install git (or your system's package).",
  };
}

function checkBubblewrap(probes: DoctorProbes): Check[] {
  const path = probes.which("bwrap");
  if (!path) {
    const fix = "apt install bubblewrap; needed to serve a public domain or address.";
    const detail = "not installed: builds and sites would run unsandboxed";
    return [
      { name: "bubblewrap", status: "warn", detail, fix },
      { name: "network namespace", status: "warn", detail: "cannot check without bubblewrap", fix },
    ];
  }
  const all = probes.run("bwrap", ["--unshare-all", ...BWRAP_PROBE]);
  const net = probes.run("bwrap", ["--unshare-net", ...BWRAP_PROBE]);
  return [
    all.code === 0
      ? { name: "bubblewrap", status: "ok", detail: `${path} runs with user, pid, ipc, uts and net namespaces` }
      : {
          name: "bubblewrap",
          status: "warn",
          detail: `${path} cannot create namespaces: ${firstLine(all.output)}`,
          fix: userNamespaceFix(probes),
        },
    net.code === 0
      ? { name: "network namespace", status: "ok", detail: "bwrap --unshare-net works" }
      : {
          name: "network namespace",
          status: "warn",
          detail: `bwrap --unshare-net fails: ${firstLine(net.output)}`,
          fix: userNamespaceFix(probes),
        },
  ];
}

/** The kernel knobs that usually forbid unprivileged user namespaces, in the order to try them. */
function userNamespaceFix(probes: DoctorProbes): string {
  const value = (path: string) => probes.readText(path)?.trim();
  if (value("/proc/sys/kernel/unprivileged_userns_clone") === "0") {
    return "sysctl -w kernel.unprivileged_userns_clone=1 (and set it in /etc/sysctl.d/ to keep it).";
  }
  if (value("/proc/sys/user/max_user_namespaces") === "0") {
    return "sysctl -w user.max_user_namespaces=15000 (and set it in /etc/sysctl.d/ to keep it).";
  }
  if (value("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") === "1") {
    return "AppArmor restricts user namespaces: add a profile allowing userns for /usr/bin/bwrap, or sysctl -w kernel.apparmor_restrict_unprivileged_userns=0.";
  }
  return "In a container, allow user namespaces (e.g. Docker: --security-opt seccomp=unconfined, or run on the host).";
}

function checkNetworkHelpers(probes: DoctorProbes): Check {
  const found = ["pasta", "slirp4netns"].filter((name) => probes.which(name));
  if (found.length > 0) return { name: "network helpers", status: "ok", detail: `${found.join(", ")} installed` };
  return {
    name: "network helpers",
    status: "warn",
    detail: "neither pasta nor slirp4netns is installed: sandboxes cannot get an isolated network",
    fix: "apt install passt (provides pasta) or apt install slirp4netns.",
  };
}

function checkCgroups(probes: DoctorProbes): Check {
  const v2 = probes.readText("/sys/fs/cgroup/cgroup.controllers");
  const controllers =
    v2 !== null
      ? v2.trim().split(/\s+/).filter(Boolean)
      : (probes.readText("/proc/cgroups") ?? "")
          .split("\n")
          .filter((line) => line && !line.startsWith("#"))
          .map((line) => line.split(/\s+/))
          .filter((fields) => fields[3] === "1")
          .map((fields) => fields[0] as string);
  const version = v2 !== null ? "v2" : controllers.length > 0 ? "v1" : "none";
  const missing = LIMIT_CONTROLLERS.filter((c) => !controllers.includes(c));
  const detail = `${version}${controllers.length > 0 ? `: ${controllers.join(", ")}` : ""}`;
  if (missing.length === 0) return { name: "cgroups", status: "ok", detail };
  return {
    name: "cgroups",
    status: "warn",
    detail: `${detail}; missing ${missing.join(", ")}: builds and workers cannot be limited`,
    fix: "Boot with cgroups enabled (systemd does by default); in a container, give it its own cgroup namespace.",
  };
}

function checkPrlimit(probes: DoctorProbes): Check {
  if (probes.which("prlimit")) return { name: "prlimit", status: "ok", detail: "installed" };
  return {
    name: "prlimit",
    status: "warn",
    detail: "not installed: process and file limits of builds cannot be set",
    fix: "apt install util-linux.",
  };
}

function checkDataDir(probes: DoctorProbes, dataDir: string): Check[] {
  const dir = probes.stat(dataDir);
  if (!dir) return [{ name: "data dir", status: "ok", detail: `${dataDir} does not exist yet: made 0700 at start` }];
  if (!dir.isDirectory) {
    return [
      { name: "data dir", status: "fail", detail: `${dataDir} is not a directory`, fix: "Pass another --data-dir." },
    ];
  }
  if (probes.uid !== null && dir.uid !== probes.uid && probes.uid !== 0) {
    return [
      {
        name: "data dir",
        status: "fail",
        detail: `${dataDir} belongs to uid ${dir.uid}, not to you (uid ${probes.uid})`,
        fix: `Run Slipway as its owner, or chown -R $(id -u) ${dataDir}.`,
      },
    ];
  }
  const checks: Check[] = [
    (dir.mode & 0o077) === 0
      ? { name: "data dir", status: "ok", detail: `${dataDir} is ${octal(dir.mode)}` }
      : {
          name: "data dir",
          status: "warn",
          detail: `${dataDir} is ${octal(dir.mode)}: others may read it`,
          fix: `slipway up makes it 0700 at start; or chmod 700 ${dataDir}.`,
        },
  ];
  const key = probes.stat(join(dataDir, "master.key"));
  if (key && (key.mode & 0o077) !== 0) {
    checks.push({
      name: "master key",
      status: "fail",
      detail: `${join(dataDir, "master.key")} is ${octal(key.mode)}: slipway up refuses to start with it`,
      fix: `chmod 600 ${join(dataDir, "master.key")}, and consider the key leaked if others could log in here.`,
    });
  }
  return checks;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.slice(0, 160) || "no output";
}
