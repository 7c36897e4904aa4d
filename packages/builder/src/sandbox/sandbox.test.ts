import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bwrapArgs } from "./bwrap-args.ts";
import { resolveSandbox } from "./sandbox.ts";

const mounts = {
  writable: ["/data/builds/b1", "/data/cache/p1"],
  readOnly: ["/opt/slipway/node_modules"],
  cwd: "/data/builds/b1/repo",
};

describe("bwrapArgs", () => {
  const args = bwrapArgs(mounts);
  const pairs = (flag: string) => args.flatMap((arg, i) => (arg === flag ? [args[i + 1]] : []));

  it("isolates everything but the network and dies with the builder", () => {
    expect(args.slice(0, 4)).toEqual(["--unshare-all", "--share-net", "--die-with-parent", "--new-session"]);
  });

  it("binds only the system, a minimal /etc, and the build's own folders", () => {
    expect(pairs("--ro-bind")).not.toContain("/");
    expect(pairs("--ro-bind")).toEqual(expect.arrayContaining(["/usr", "/opt/slipway/node_modules"]));
    expect(pairs("--ro-bind-try")).toEqual(expect.arrayContaining(["/etc/resolv.conf", "/etc/ssl", "/etc/passwd"]));
    expect(pairs("--ro-bind-try")).not.toContain("/etc");
    expect(pairs("--bind")).toEqual(["/data/builds/b1", "/data/cache/p1"]);
  });

  it("mounts tmpfs /tmp before the binds so a work dir under /tmp stays visible", () => {
    expect(args.indexOf("--tmpfs")).toBeLessThan(args.indexOf("--bind"));
    expect(args.slice(-3)).toEqual(["--chdir", "/data/builds/b1/repo", "--"]);
  });
});

describe("resolveSandbox", () => {
  it("runs unsandboxed when told, or when bwrap is missing in auto mode", () => {
    expect(resolveSandbox("none", {}).kind).toBe("none");
    expect(resolveSandbox("auto", {}, "/nonexistent/bwrap").kind).toBe("none");
    expect(() => resolveSandbox("bwrap", {}, "/nonexistent/bwrap")).toThrow("/nonexistent/bwrap");
  });

  it("puts prlimit inside the sandbox", () => {
    const sandbox = resolveSandbox("none", { nofile: 4096 });
    expect(sandbox.wrap(["node", "x.js"], mounts)).toEqual(["prlimit", "--nofile=4096", "--", "node", "x.js"]);
  });

  const bwrap = resolveSandbox("auto", {});
  it.skipIf(bwrap.kind !== "bwrap")("really hides the host: no home, no platform files, writable build dir", () => {
    const work = mkdtempSync(path.join(tmpdir(), "slipway-sandbox-"));
    const secret = mkdtempSync(path.join(tmpdir(), "slipway-secret-"));
    writeFileSync(path.join(secret, "master.key"), "x");
    const argv = bwrap.wrap(["/bin/sh", "-c", `ls ${secret} 2>&1; ls /root 2>&1; touch ${work}/ok && echo wrote`], {
      writable: [work],
      readOnly: [],
      cwd: work,
    });
    const [command, ...rest] = argv as [string, ...string[]];
    const out = execFileSync(command, rest, { env: { PATH: "/usr/bin:/bin" }, encoding: "utf8" });
    expect(out).not.toContain("master.key");
    expect(out).toContain("wrote");
  });
});
