import { describe, expect, it } from "vitest";
import { type Check, runChecks } from "./checks.ts";
import type { DoctorProbes } from "./probes.ts";

/** A healthy cgroup v2 host with everything installed; each case breaks one thing. */
function probes(overrides: Partial<DoctorProbes> & { missing?: string[]; failing?: string[] } = {}): DoctorProbes {
  const installed = ["git", "bwrap", "pasta", "prlimit"].filter((c) => !overrides.missing?.includes(c));
  const files: Record<string, string> = { "/sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory pids\n" };
  return {
    nodeVersion: "22.11.0",
    uid: 1000,
    which: (command) => (installed.includes(command) ? `/usr/bin/${command}` : null),
    run: (command, args) =>
      overrides.failing?.includes(`${command} ${args[0]}`)
        ? { code: 1, output: "bwrap: setting up uid map: Permission denied" }
        : { code: 0, output: command === "git" ? "git version 2.43.0" : "" },
    readText: (path) => files[path] ?? null,
    stat: () => null,
    ...overrides,
  };
}

const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name);
const run = (p: DoctorProbes) => runChecks(p, { dataDir: "/srv/slipway" });

describe("doctor checks", () => {
  it("passes a healthy machine with a line per prerequisite", () => {
    const checks = run(probes());
    expect(checks.map((c) => c.name)).toEqual([
      "node",
      "git",
      "bubblewrap",
      "network namespace",
      "network helpers",
      "cgroups",
      "prlimit",
      "data dir",
    ]);
    expect(checks.filter((c) => c.status !== "ok")).toEqual([]);
    expect(byName(checks, "cgroups")?.detail).toBe("v2: cpuset, cpu, io, memory, pids");
  });

  it("fails an old Node and a missing git, with the fix", () => {
    const checks = run(probes({ nodeVersion: "20.10.0", missing: ["git"] }));
    expect(byName(checks, "node")).toMatchObject({ status: "fail", fix: expect.stringContaining("Node.js") });
    expect(byName(checks, "git")).toMatchObject({ status: "fail", fix: expect.stringContaining("apt install git") });
  });

  it("warns without bubblewrap, naming the package", () => {
    const checks = run(probes({ missing: ["bwrap"] }));
    expect(byName(checks, "bubblewrap")).toMatchObject({ status: "warn", fix: expect.stringContaining("bubblewrap") });
    expect(byName(checks, "network namespace")?.status).toBe("warn");
  });

  it("explains why bubblewrap cannot create namespaces from the kernel's knobs", () => {
    const files: Record<string, string> = { "/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1\n" };
    const checks = run(
      probes({ failing: ["bwrap --unshare-all", "bwrap --unshare-net"], readText: (p) => files[p] ?? null }),
    );
    expect(byName(checks, "bubblewrap")).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("Permission denied"),
      fix: expect.stringContaining("AppArmor"),
    });
    expect(byName(checks, "network namespace")?.status).toBe("warn");
  });

  it("reads cgroup v1 controllers from /proc/cgroups and warns about missing ones", () => {
    const v1 = "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t2\t1\t1\nmemory\t3\t1\t0\npids\t4\t1\t1\n";
    const checks = run(probes({ readText: (p) => (p === "/proc/cgroups" ? v1 : null) }));
    expect(byName(checks, "cgroups")).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(/^v1: cpu, pids; missing memory/),
    });
  });

  it("warns about a data dir others can read and fails a loose master key or a foreign owner", () => {
    const loose = probes({
      stat: (p) =>
        p.endsWith("master.key")
          ? { mode: 0o100644, uid: 1000, isDirectory: false }
          : { mode: 0o40755, uid: 1000, isDirectory: true },
    });
    const checks = run(loose);
    expect(byName(checks, "data dir")).toMatchObject({ status: "warn", detail: expect.stringContaining("0755") });
    expect(byName(checks, "master key")).toMatchObject({ status: "fail", fix: expect.stringContaining("chmod 600") });
    const foreign = run(probes({ stat: () => ({ mode: 0o40700, uid: 0, isDirectory: true }) }));
    expect(byName(foreign, "data dir")).toMatchObject({ status: "fail", detail: expect.stringContaining("uid 0") });
  });
});
