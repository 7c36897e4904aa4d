import { describe, expect, it } from "vitest";
import { bwrapArgs } from "./bwrap-args.ts";

// The build's mounts; a function worker's differ only in its folders and the /tmp size cap.
const mounts = {
  writable: ["/data/builds/b1", "/data/cache/p1"],
  readOnly: ["/opt/slipway/node_modules"],
  cwd: "/data/builds/b1/repo",
};

describe("bwrapArgs", () => {
  const args = bwrapArgs(mounts, { isolated: false, resolvConf: null });
  const pairs = (list: string[], flag: string) => list.flatMap((arg, i) => (arg === flag ? [list[i + 1]] : []));

  it("isolates everything but the network (host mode) and dies with the builder", () => {
    expect(args.slice(0, 4)).toEqual(["--unshare-all", "--share-net", "--die-with-parent", "--new-session"]);
  });

  it("keeps the network namespace private when isolated, with slirp's DNS as resolv.conf", () => {
    const isolated = bwrapArgs(mounts, { isolated: true, resolvConf: "/run/slipway/resolv.conf" });
    expect(isolated).not.toContain("--share-net");
    const at = isolated.indexOf("/run/slipway/resolv.conf");
    expect(isolated.slice(at - 1, at + 2)).toEqual(["--ro-bind", "/run/slipway/resolv.conf", "/etc/resolv.conf"]);
  });

  it("binds only the system, a minimal /etc, and the build's own folders", () => {
    expect(pairs(args, "--ro-bind")).not.toContain("/");
    expect(pairs(args, "--ro-bind")).toEqual(expect.arrayContaining(["/usr", "/opt/slipway/node_modules"]));
    expect(pairs(args, "--ro-bind-try")).toEqual(
      expect.arrayContaining(["/etc/resolv.conf", "/etc/ssl", "/etc/passwd"]),
    );
    expect(pairs(args, "--ro-bind-try")).not.toContain("/etc");
    expect(pairs(args, "--bind")).toEqual(["/data/builds/b1", "/data/cache/p1"]);
  });

  it("mounts tmpfs /tmp before the binds so a work dir under /tmp stays visible", () => {
    expect(args.indexOf("--tmpfs")).toBeLessThan(args.indexOf("--bind"));
    expect(args.slice(-2)).toEqual(["--chdir", "/data/builds/b1/repo"]);
  });

  it("caps the private /tmp when asked, with --size right before the tmpfs it applies to", () => {
    expect(args).not.toContain("--size");
    const capped = bwrapArgs(mounts, { isolated: false, resolvConf: null }, { tmpBytes: 64 * 1024 * 1024 });
    const at = capped.indexOf("--size");
    expect(capped.slice(at, at + 4)).toEqual(["--size", String(64 * 1024 * 1024), "--tmpfs", "/tmp"]);
  });
});
