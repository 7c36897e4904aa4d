import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bwrapFeatures } from "./capabilities.ts";
import { cgroupSupport, createCgroup, sweepEmptyCgroups } from "./cgroup.ts";
import { launchBox } from "./launch.ts";

const support = cgroupSupport();
const ENV = { PATH: "/usr/local/bin:/usr/bin:/bin" };

/** The cgroup paths of a live process, one per hierarchy. */
function cgroupsOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cgroup`, "utf8");
}

describe("cgroups", () => {
  it("names the hierarchy it found, and never fails without one", () => {
    expect(["v1", "v2", "none"]).toContain(support.version);
    expect(support.note.length).toBeGreaterThan(0);
  });

  it.skipIf(!support.pids)("limits processes and counts the refused forks; remove kills what is left", async () => {
    const cgroup = createCgroup(`test-${process.pid}-pids`, { pids: 8 });
    if (!cgroup) throw new Error("no cgroup");
    const child = spawn("/bin/sh", ["-c", "i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; wait"], {
      env: ENV,
      stdio: "ignore",
    });
    cgroup.attach(child.pid ?? 0);
    const deadline = Date.now() + 5_000;
    while (cgroup.pidsRefused() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(cgroup.pidsRefused()).toBeGreaterThan(0);
    cgroup.remove();
    await new Promise((resolve) => child.once("exit", resolve));
  });

  it.skipIf(support.version === "none")("sweeps empty slipway cgroups and leaves busy ones", async () => {
    const empty = createCgroup(`test-${process.pid}-empty`, { pids: 10, memoryBytes: 64 << 20 });
    const busy = createCgroup(`test-${process.pid}-busy`, { pids: 10, memoryBytes: 64 << 20 });
    if (!empty || !busy) throw new Error("no cgroup");
    const sleeper = spawn("sleep", ["30"], { env: ENV, stdio: "ignore" });
    busy.attach(sleeper.pid ?? 0);
    sweepEmptyCgroups();
    expect(cgroupsOf(sleeper.pid ?? 0)).toContain(`slipway-test-${process.pid}-busy`);
    const dirs = cgroupsOf(process.pid)
      .split("\n")
      .filter((line) => /:(memory|pids):|^0::/.test(line));
    for (const line of dirs) {
      const [, controller, relative] = line.split(":");
      const base = controller === "" ? "/sys/fs/cgroup" : `/sys/fs/cgroup/${controller}`;
      expect(existsSync(`${base}${relative}/slipway-test-${process.pid}-empty`)).toBe(false);
    }
    busy.remove();
    await new Promise((resolve) => sleeper.once("exit", resolve));
  });
});

describe("launchBox", () => {
  it.skipIf(!bwrapFeatures().works || support.version === "none")(
    "runs the command inside its cgroup from its first instruction",
    async () => {
      const cgroup = createCgroup(`test-${process.pid}-launch`, { pids: 50, memoryBytes: 128 << 20 });
      const box = launchBox({
        bwrap: "bwrap",
        // No cgroup namespace here, so the command sees its cgroup's full path.
        bwrapArgs: ["--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc"],
        argv: ["cat", "/proc/self/cgroup"],
        cwd: "/",
        env: ENV,
        stdio: ["ignore", "pipe", "pipe"],
        cgroup,
        slirp: null,
      });
      let out = "";
      box.child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      await box.started;
      await new Promise((resolve) => box.child.once("close", resolve));
      cgroup?.remove();
      expect(out).toContain(`/slipway-test-${process.pid}-launch`);
    },
  );
});
