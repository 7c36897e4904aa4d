import { type ChildProcess, type IOType, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { Cgroup } from "./cgroup.ts";
import { refuseLinkLocal, type SlirpNetwork, startSlirp } from "./slirp.ts";
import type { SpareBox } from "./spare.ts";

export interface BoxLaunch {
  /** bwrap and its sandbox arguments, without `--` and the command. */
  readonly bwrap: string;
  readonly bwrapArgs: readonly string[];
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** stdio of the command: the sandbox's own two control pipes are appended after it. */
  readonly stdio: IOType[];
  readonly detached?: boolean;
  /** Where the box's processes are counted and limited; attached before the command starts. */
  readonly cgroup: Cgroup | null;
  /** slirp4netns binary when the box has its own network namespace (no --share-net). */
  readonly slirp: string | null;
  /**
   * Release the command once its cgroup is joined; link-local addresses are refused and then
   * slirp4netns attaches while it starts (`started` settles when both are done): the command's
   * start-up overlaps the network's. Until then the namespace has only loopback, so a connection
   * out fails rather than leaks, and the refusal is in place before there is any route out. For a
   * command that takes work only after `started` (a function worker importing its bundle), not
   * for a build step that may connect out at once.
   */
  readonly networkAfterStart?: boolean;
}

export interface Box {
  readonly child: ChildProcess;
  /** Settles once the command runs inside its cgroup and network; rejects (child killed) otherwise. */
  readonly started: Promise<void>;
  /** Settles once the command was let run: with networkAfterStart, before `started`; else as it. */
  readonly released?: Promise<void>;
}

/**
 * Starts bwrap so that nothing of the user's command runs before its limits and its network are
 * in place: bwrap reports the sandbox's first pid on `--info-fd` and waits on `--block-fd`; that
 * pid joins the cgroup (its descendants inherit it), slirp4netns attaches to its network
 * namespace, and only then is the command released. Given a spare (see SpareBox: in the cgroup
 * already, for the same argv and stdio), bwrap is that spare, and `spec.cgroup` is not joined.
 */
export function launchBox(spec: BoxLaunch, spare?: SpareBox): Box {
  const infoFd = spec.stdio.length;
  const blockFd = infoFd + 1;
  const options = [...spec.bwrapArgs, "--info-fd", String(infoFd), "--block-fd", String(blockFd)];
  if (spare && (spare.argv.join("\0") !== spec.argv.join("\0") || spare.argsFd !== blockFd + 1 || spec.detached))
    throw new Error("launchBox: the spare sandbox was started for another command or stdio");
  // A spare is already in its cgroup (and so is all it forks): the box skips the join.
  const child: ChildProcess = spare
    ? spare.assign(options, spec.env)
    : spawn(spec.bwrap, [...options, "--", ...spec.argv], {
        cwd: spec.cwd,
        env: spec.env,
        detached: spec.detached ?? false,
        stdio: [...spec.stdio, "pipe", "pipe"],
      });
  const cgroup = spare ? null : spec.cgroup;
  // The control pipes die with the box (ECONNRESET): that must never crash the host.
  for (const fd of [infoFd, blockFd]) child.stdio[fd]?.on("error", () => {});
  let markReleased = () => {};
  const released = new Promise<void>((resolve) => {
    markReleased = resolve;
  });
  const started = new Promise<void>((resolve, reject) => {
    let network: SlirpNetwork | null = null;
    child.once("exit", () => network?.stop());
    let info = "";
    const infoPipe = child.stdio[infoFd] as Readable;
    const onInfo = (chunk: Buffer) => {
      info += chunk.toString();
      const match = /"child-pid"\s*:\s*(\d+)/.exec(info);
      if (!match) return;
      // Keep draining: bwrap writes more fields later, and a closed pipe would kill it (SIGPIPE).
      infoPipe.off("data", onInfo);
      infoPipe.resume();
      attach(Number(match[1])).then(resolve, (error: unknown) => {
        child.kill("SIGKILL");
        reject(error);
      });
    };
    infoPipe.on("data", onInfo);
    child.once("error", reject);
    child.once("exit", (code, signal) => reject(new Error(`sandbox exited with ${signal ?? code} before it started`)));

    async function attach(pid: number): Promise<void> {
      cgroup?.attach(pid);
      if (spec.slirp !== null && spec.networkAfterStart === true) {
        release();
        await refuseLinkLocal(pid);
        network = await startSlirp(spec.slirp, pid, undefined, { linkLocalRefused: true });
        if (child.exitCode !== null || child.signalCode !== null) network.stop();
        return;
      }
      if (spec.slirp !== null) network = await startSlirp(spec.slirp, pid);
      release();
    }

    function release(): void {
      if (child.exitCode !== null || child.signalCode !== null) {
        network?.stop();
        throw new Error("sandbox exited before it started");
      }
      const block = child.stdio[blockFd] as Writable;
      block.end("1");
      markReleased();
    }
  });
  // Whoever awaits `started` sees the error; an unawaited rejection must not crash the host.
  started.catch(() => {});
  return { child, started, released };
}

/**
 * Without bubblewrap: a plain process that joins the cgroup right after it starts (before it can
 * have done much; a fork that early is unlikely, but this path is the weaker one and says so).
 */
export function launchDirect(spec: Omit<BoxLaunch, "bwrap" | "bwrapArgs" | "slirp">): Box {
  const [command, ...args] = spec.argv as [string, ...string[]];
  const child: ChildProcess = spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: spec.detached ?? false,
    stdio: spec.stdio,
  });
  let started: Promise<void> = Promise.resolve();
  if (child.pid !== undefined && spec.cgroup !== null) {
    try {
      spec.cgroup.attach(child.pid);
    } catch (error) {
      child.kill("SIGKILL");
      started = Promise.reject(error);
    }
  }
  started.catch(() => {});
  return { child, started, released: started.catch(() => {}) };
}
