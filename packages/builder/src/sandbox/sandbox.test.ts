import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Box } from "@slipway/sandbox";
import { describe, expect, it } from "vitest";
import { resolveSandbox } from "./sandbox.ts";

const limits = { nofile: 4096, fileSizeBytes: 1024 * 1024 };
const ENV = { PATH: "/usr/local/bin:/usr/bin:/bin" };

/** Everything the box printed on stdout, once it exited. */
async function output(box: Box): Promise<string> {
  let out = "";
  box.child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  box.child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  await box.started;
  await new Promise((resolve) => box.child.once("close", resolve));
  return out;
}

describe("resolveSandbox", () => {
  it("runs unsandboxed when told, or when bwrap is missing in auto mode", () => {
    expect(resolveSandbox("none", "auto", limits).kind).toBe("none");
    expect(resolveSandbox("auto", "auto", limits, "/nonexistent/bwrap").kind).toBe("none");
    expect(() => resolveSandbox("bwrap", "auto", limits, "/nonexistent/bwrap")).toThrow("/nonexistent/bwrap");
  });

  it("applies the open-file and file-size limits to the command", async () => {
    const sandbox = resolveSandbox("none", "auto", limits);
    const argv = ["/bin/sh", "-c", "ulimit -n; ulimit -f"];
    const mounts = { writable: [], readOnly: [], cwd: "/" };
    const out = await output(sandbox.start({ argv, mounts, env: ENV, cgroup: null }));
    // dash's ulimit -f counts 512-byte blocks: 1 MiB.
    expect(out.trim().split("\n")).toEqual(["4096", "2048"]);
  });

  const bwrap = resolveSandbox("auto", "auto", limits);
  it.skipIf(bwrap.kind !== "bwrap")(
    "really hides the host: no home, no platform files, writable build dir",
    async () => {
      const work = mkdtempSync(path.join(tmpdir(), "slipway-sandbox-"));
      const secret = mkdtempSync(path.join(tmpdir(), "slipway-secret-"));
      writeFileSync(path.join(secret, "master.key"), "x");
      const argv = ["/bin/sh", "-c", `ls ${secret} 2>&1; ls /root 2>&1; touch ${work}/ok && echo wrote`];
      const out = await output(
        bwrap.start({ argv, mounts: { writable: [work], readOnly: [], cwd: work }, env: ENV, cgroup: null }),
      );
      expect(out).not.toContain("master.key");
      expect(out).toContain("wrote");
    },
  );

  it.skipIf(bwrap.kind !== "bwrap" || bwrap.network.mode !== "isolated")(
    "isolated: the host's loopback services and the cloud metadata address are unreachable, names still resolve",
    async () => {
      const server = createServer((socket) => socket.end("reached\n")).listen(0, "127.0.0.1");
      await new Promise((resolve) => server.once("listening", resolve));
      const { port } = server.address() as { port: number };
      const probe = `require("net").connect(${port}, "127.0.0.1").on("data", (d) => console.log(String(d).trim())).on("error", (e) => console.log(e.code))`;
      // A prohibit route answers at once with EACCES; without it slirp would try the address.
      const metadata = `require("net").connect(80, "169.254.169.254").on("connect", () => console.log("metadata reached")).on("error", (e) => console.log("metadata", e.code)).setTimeout(3000, () => { console.log("metadata timeout"); process.exit(0); })`;
      const argv = [
        "/bin/sh",
        "-c",
        `node -e '${probe}'; node -e '${metadata}'; node -e 'require("dns").lookup("localhost", (e, a) => console.log(e ? e.code : a))'`,
      ];
      const work = mkdtempSync(path.join(tmpdir(), "slipway-sandbox-"));
      const out = await output(
        bwrap.start({
          argv,
          mounts: { writable: [work], readOnly: [path.dirname(path.dirname(process.execPath))], cwd: work },
          env: ENV,
          cgroup: null,
        }),
      );
      server.close();
      expect(out).toContain("ECONNREFUSED");
      expect(out).not.toContain("reached");
      expect(out).toContain("metadata EACCES");
    },
  );
});
