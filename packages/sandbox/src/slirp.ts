import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { promisify } from "node:util";
import { findSystemProgram, SYSTEM_PATH } from "./system-program.ts";

/** slirp4netns's built-in DNS forwarder, as seen from inside the sandbox. */
export const SLIRP_DNS = "10.0.2.3";

/** The slirp4netns binary on the system PATH, or null. */
export function findSlirp(searchPath = SYSTEM_PATH): string | null {
  return findSystemProgram("slirp4netns", searchPath);
}

export interface SlirpNetwork {
  stop(): void;
}

/**
 * Gives the network namespace of `pid` a tap device with outbound NAT (user-mode TCP/IP, so
 * connections leave from the host like any other client), but NOT the host's loopback:
 * `--disable-host-loopback` refuses 10.0.2.2 and 127.0.0.0/8, so the admin API, the edge and
 * every other loopback service stay out of reach. Resolves once the interface is configured.
 */
export function startSlirp(
  slirpPath: string,
  pid: number,
  timeoutMs = 10_000,
  options: { readonly linkLocalRefused?: boolean } = {},
): Promise<SlirpNetwork> {
  const child = spawn(
    slirpPath,
    ["--configure", "--mtu=65520", "--disable-host-loopback", "--ready-fd=3", "--exit-fd=4", String(pid), "tap0"],
    // fd 4 is only ever read by slirp: when this process dies, it reads EOF and exits.
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], env: { PATH: SYSTEM_PATH } },
  );
  // Its pipes die with it (ECONNRESET): that must never crash the host.
  for (const fd of [3, 4]) child.stdio[fd]?.on("error", () => {});
  const stop = () => {
    (child.stdio[4] as Writable).destroy();
    child.kill("SIGKILL");
  };
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      stop();
      reject(new Error(`slirp4netns did not start for pid ${pid}: ${reason}${stderr ? ` (${stderr.trim()})` : ""}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    (child.stdio[3] as Readable).once("data", () => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      if (options.linkLocalRefused) return resolve({ stop });
      // Off the event loop: workers start while the edge serves other requests.
      refuseLinkLocal(pid).then(
        () => resolve({ stop }),
        (error: Error) => {
          stop();
          reject(new Error(`could not block link-local addresses for pid ${pid}: ${error.message}`));
        },
      );
    });
    child.once("exit", (code, signal) => fail(`exited with ${signal ?? code}`));
    child.once("error", (error) => fail(error.message));
  });
}

/**
 * 169.254.0.0/16 holds cloud metadata services (169.254.169.254 hands out the VM's credentials on
 * AWS, GCP and Azure); slirp would NAT it like any other address. A prohibit route in the
 * sandbox's own namespace refuses it, set from outside: the sandboxed command has no
 * CAP_NET_ADMIN and is still blocked on bwrap's --block-fd while this runs. It needs no device,
 * so it may also be set before slirp4netns configures tap0 (the more specific route still wins
 * over slirp's default route).
 */
export async function refuseLinkLocal(pid: number): Promise<void> {
  await execFileAsync("nsenter", [`--net=/proc/${pid}/ns/net`, "ip", "route", "add", "prohibit", LINK_LOCAL], {
    env: { PATH: SYSTEM_PATH_WITH_SBIN },
  });
}

const execFileAsync = promisify(execFile);

const LINK_LOCAL = "169.254.0.0/16";
const SYSTEM_PATH_WITH_SBIN = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

let resolvConf: string | undefined;

/** A resolv.conf naming slirp's DNS, bound over /etc/resolv.conf inside isolated sandboxes. */
export function slirpResolvConf(): string {
  if (resolvConf === undefined || !existsSync(resolvConf)) {
    const dir = mkdtempSync(path.join(tmpdir(), "slipway-net-"));
    resolvConf = path.join(dir, "resolv.conf");
    writeFileSync(resolvConf, `nameserver ${SLIRP_DNS}\noptions edns0\n`);
  }
  return resolvConf;
}

export type { ChildProcess };
