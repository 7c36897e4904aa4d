import { type IOType, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { bwrapFeatures } from "./capabilities.ts";
import { cgroupSupport, createCgroup, reclaimOrphanedCgroups, sweepEmptyCgroups } from "./cgroup.ts";
import { launchBox } from "./launch.ts";
import { findSlirp } from "./slirp.ts";
import { SpareBox } from "./spare.ts";

const support = cgroupSupport();
const ENV = { PATH: "/usr/local/bin:/usr/bin:/bin" };

describe("cgroups", () => {
  it("names the hierarchy it found, and never fails without one", () => {
    expect(["v1", "v2", "none"]).toContain(support.version);
    expect(support.note.length).toBeGreaterThan(0);
  });

  it.skipIf(!support.pids)("limits processes and counts the refused forks; remove kills what is left", async () => {
    const cgroup = createCgroup("test-pids", { pids: 8 });
    if (!cgroup) throw new Error("no cgroup");
    // The shell forks only once attached (it waits for a line): forks before attach would escape.
    const script = "read go; i=0; while [ $i -lt 20 ]; do sleep 30 & i=$((i+1)); done; wait";
    const child = spawn("/bin/sh", ["-c", script], { env: ENV, stdio: ["pipe", "ignore", "ignore"] });
    // The shell may give up ("Cannot fork") and exit before remove(): listen from the start.
    const exited = new Promise((resolve) => child.once("exit", resolve));
    cgroup.attach(child.pid ?? 0);
    child.stdin.end("go\n");
    const deadline = Date.now() + 5_000;
    while (cgroup.pidsRefused() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(cgroup.pidsRefused()).toBeGreaterThan(0);
    cgroup.remove();
    await exited;
  });

  it.skipIf(support.version === "none")("sweeps the empty cgroups of dead processes only", async () => {
    const dead = spawn("true", { env: ENV, stdio: "ignore" });
    await new Promise((resolve) => dead.once("exit", resolve));
    const parents = ownCgroupDirs();
    for (const parent of parents) mkdirSync(path.join(parent, `slipway-${dead.pid}-left`));
    const mine = createCgroup("mine", { pids: 10, memoryBytes: 64 << 20 });
    sweepEmptyCgroups();
    for (const parent of parents) {
      expect(existsSync(path.join(parent, `slipway-${dead.pid}-left`))).toBe(false);
      expect(existsSync(path.join(parent, `slipway-${process.pid}-mine`))).toBe(true);
    }
    mine?.remove();
  });
});

describe("orphaned worker cgroups", () => {
  it.skipIf(support.version === "none")(
    "kills what runs in a dead process's worker cgroups and removes them, but leaves its builds'",
    async () => {
      const dead = spawn("true", { env: ENV, stdio: "ignore" });
      await once(dead, "exit");
      const running = (name: string) => {
        const child = spawn("sleep", ["600"], { env: ENV, stdio: "ignore" });
        const dirs = ownCgroupDirs().map((parent) => path.join(parent, `slipway-${dead.pid}-${name}`));
        for (const dir of dirs) {
          mkdirSync(dir);
          writeFileSync(path.join(dir, "cgroup.procs"), String(child.pid));
        }
        return { child, dirs };
      };
      const worker = running("worker-left");
      const build = running("build-left");
      try {
        reclaimOrphanedCgroups("worker-");
        const [code, signal] = await once(worker.child, "exit");
        expect({ code, signal }).toEqual({ code: null, signal: "SIGKILL" });
        expect(build.child.exitCode === null && build.child.signalCode === null).toBe(true);
        const deadline = Date.now() + 5_000;
        while (worker.dirs.some(existsSync) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(worker.dirs.filter(existsSync)).toEqual([]);
        expect(build.dirs.filter(existsSync)).toEqual(build.dirs);
      } finally {
        build.child.kill("SIGKILL");
        await once(build.child, "exit");
        for (const dir of [...worker.dirs, ...build.dirs]) if (existsSync(dir)) rmdirSync(dir);
      }
    },
  );
});

/** This process's cgroup folders in the hierarchies the sandbox uses. */
function ownCgroupDirs(): string[] {
  return readFileSync("/proc/self/cgroup", "utf8")
    .split("\n")
    .flatMap((line) => {
      const [, controllers, relative] = line.split(":");
      if (relative === undefined) return [];
      if (support.version === "v2") return line.startsWith("0::") ? [path.join("/sys/fs/cgroup", relative)] : [];
      const controller = ["memory", "pids"].find((c) => controllers?.split(",").includes(c));
      return controller ? [path.join("/sys/fs/cgroup", controller, relative)] : [];
    });
}

describe("launchBox", () => {
  it.skipIf(!bwrapFeatures().works || support.version === "none")(
    "runs the command inside its cgroup from its first instruction",
    async () => {
      const cgroup = createCgroup("test-launch", { pids: 50, memoryBytes: 128 << 20 });
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
      expect(out).toContain(`/slipway-${process.pid}-test-launch`);
    },
  );
});

describe("launchBox with a spare", () => {
  const usable = bwrapFeatures().works && support.version !== "none";

  it.skipIf(!usable)(
    "runs the command in the cgroup the spare joined while idle, with the environment it was assigned, off its command line",
    async () => {
      const cgroup = createCgroup("test-spare", { pids: 50, memoryBytes: 128 << 20 });
      if (!cgroup) throw new Error("no cgroup");
      const argv = ["/bin/sh", "-c", 'printf "%s\\n" "$GREETING"; read go'];
      const spare = new SpareBox({ bwrap: "bwrap", argv, stdio: ["pipe", "pipe", "pipe"], cgroup });
      try {
        await spare.joined;
        expect(spare.usable()).toBe(true);
        const spec = {
          bwrap: "bwrap",
          bwrapArgs: ["--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc"],
          argv,
          cwd: "/",
          env: { ...ENV, GREETING: "a secret\nof two lines" },
          stdio: ["pipe", "pipe", "pipe"] as IOType[],
          cgroup: null,
          slirp: null,
        };
        const box = launchBox(spec, spare);
        expect(spare.usable()).toBe(false);
        await box.started;
        let out = "";
        box.child.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        const deadline = Date.now() + 5_000;
        while (!out.includes("of two lines") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        expect(out).toBe("a secret\nof two lines\n");
        // bwrap, the sandbox's init and the shell: all in the spare's cgroup.
        const procs = readFileSync(cgroup.procsFiles()[0] ?? "", "utf8")
          .trim()
          .split("\n");
        expect(procs).toContain(String(box.child.pid));
        expect(procs.length).toBeGreaterThanOrEqual(3);
        expect(readFileSync(`/proc/${box.child.pid}/cmdline`, "utf8")).not.toContain("secret");
        box.child.stdin?.end("go\n");
        await once(box.child, "close");
        // A spare is used once.
        expect(() => launchBox(spec, spare)).toThrow(/not usable/);
      } finally {
        spare.discard();
        cgroup.remove();
      }
    },
  );

  it.skipIf(!usable)(
    "runs nothing when its options pipe closes without options (the platform died): refused while parsing, before any namespace",
    async () => {
      const spare = new SpareBox({
        bwrap: "bwrap",
        argv: ["/bin/echo", "ran"],
        stdio: ["ignore", "pipe", "pipe"],
        cgroup: null,
      });
      await spare.joined;
      let out = "";
      let err = "";
      spare.child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      spare.child.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      (spare.child.stdio[spare.argsFd] as Writable).end();
      const [code] = await once(spare.child, "close");
      expect(code).not.toBe(0);
      expect(out).toBe("");
      // bwrap's option check, not a failed exec inside a sandbox it had set up.
      expect(err).toContain("--perms must be followed by an option that creates a file");
    },
  );
});

describe("launchBox with networkAfterStart", () => {
  const slirp = findSlirp();
  it.skipIf(!bwrapFeatures().works || slirp === null)(
    "lets the command run while link-local is refused and slirp4netns attaches, in that order; started waits for both",
    async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-netafter-"));
      const ran = path.join(dir, "ran");
      const routes = path.join(dir, "routes");
      // A slirp4netns that attaches only once the command has run: without the early release the
      // command waits for the network and the network for the command, and `started` times out.
      // It notes the namespace's routes as it finds them (its 6th argument is the sandbox's pid).
      const gatedSlirp = path.join(dir, "slirp4netns");
      writeFileSync(
        gatedSlirp,
        `#!/bin/sh\nwhile [ ! -e ${ran} ]; do sleep 0.01; done\nnsenter --net=/proc/$6/ns/net ip route show > ${routes}\nexec ${slirp} "$@"\n`,
        { mode: 0o755 },
      );
      const box = launchBox({
        bwrap: "bwrap",
        bwrapArgs: ["--unshare-net", "--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/", "--bind", dir, dir],
        argv: ["/bin/sh", "-c", `touch ${ran}; read go; ip route show`],
        cwd: "/",
        env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" },
        stdio: ["pipe", "pipe", "pipe"],
        cgroup: null,
        slirp: gatedSlirp,
        networkAfterStart: true,
      });
      try {
        await box.released;
        await box.started;
        // Before slirp4netns gave it a way out, the namespace refused link-local already.
        expect(readFileSync(routes, "utf8")).toMatch(/prohibit 169\.254\.0\.0\/16/);
        // Once started, the network is there: slirp's tap0 and its default route.
        let network = "";
        box.child.stdout?.on("data", (chunk: Buffer) => {
          network += chunk.toString();
        });
        const closed = new Promise((resolve) => box.child.once("close", resolve));
        box.child.stdin?.end("go\n");
        await closed;
        expect(network).toContain("tap0");
        expect(network).toMatch(/prohibit 169\.254\.0\.0\/16/);
      } finally {
        if (box.child.exitCode === null) box.child.kill("SIGKILL");
        rmSync(dir, { recursive: true, force: true });
      }
    },
    20_000,
  );
});
