import { type ChildProcess, type IOType, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import type { Cgroup } from "./cgroup.ts";

export interface SpareSpec {
  readonly bwrap: string;
  /** The command the spare will run, fixed from the start: a box with another argv cannot use it. */
  readonly argv: readonly string[];
  /** stdio of the command, as the box it becomes will have it. */
  readonly stdio: IOType[];
  /** Where the spare and all it starts are counted and limited; null when the host has none. */
  readonly cgroup: Cgroup | null;
}

/**
 * What the spare is started with, before its options: `--perms` must be followed by an option that
 * creates a file, and the first option `assign` writes is one (OPENING). When the options pipe
 * closes empty instead (the platform died), bwrap stops at that check while parsing: before any
 * namespace exists, so it exits at once and leaves nothing behind. (Were it let through, it would
 * set up and tear down every namespace over an empty root before failing to exec the command.)
 * `--die-with-parent` covers the box once its options are read.
 */
const FAIL_CLOSED = ["--unshare-all", "--die-with-parent", "--perms", "0755"];
/** The option that takes FAIL_CLOSED's `--perms`: an empty /run, as a root file system has. */
const OPENING = ["--dir", "/run"];

/**
 * A bwrap started ahead of need, already inside its cgroup, blocked reading its options
 * (`--args`): it runs its command only once `assign` writes the rest. Joining a cgroup waits for
 * an RCU grace period (8–20 ms measured on a 2-vCPU VM, cgroup v1); a spare pays it while idle,
 * and whatever it forks is in the cgroup from its first instruction, so no box waits for the join
 * and nothing of the command ever runs outside its limits.
 */
export class SpareBox {
  readonly child: ChildProcess;
  readonly argv: readonly string[];
  readonly cgroup: Cgroup | null;
  /** The fd bwrap reads its options from: after the command's stdio and the two control fds. */
  readonly argsFd: number;
  /** Settles once the spare is inside its cgroup; rejects (and kills it) when it cannot join. */
  readonly joined: Promise<void>;
  private inCgroup = false;
  private assigned = false;

  constructor(spec: SpareSpec) {
    this.argv = spec.argv;
    this.cgroup = spec.cgroup;
    this.argsFd = spec.stdio.length + 2;
    this.child = spawn(spec.bwrap, [...FAIL_CLOSED, "--args", String(this.argsFd), "--", ...spec.argv], {
      // The box's environment arrives as --setenv options: nothing of the platform's leaks in.
      env: {},
      cwd: "/",
      stdio: [...spec.stdio, "pipe", "pipe", "pipe"],
    });
    for (let fd = spec.stdio.length; fd <= this.argsFd; fd++) this.child.stdio[fd]?.on("error", () => {});
    this.joined = this.join(spec.cgroup);
    this.joined.catch(() => this.discard());
  }

  private async join(cgroup: Cgroup | null): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error("the spare sandbox did not start");
    // Asynchronously: the grace period holds a thread of libuv's pool, not the event loop.
    for (const file of cgroup?.procsFiles() ?? []) await writeFile(file, String(pid));
    this.inCgroup = true;
  }

  /** The bwrap process has not exited. */
  alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** In its cgroup, alive and not yet assigned. */
  usable(): boolean {
    return this.inCgroup && !this.assigned && this.alive();
  }

  /**
   * Makes the spare a box: bwrap's options and the command's environment, NUL-separated on the
   * options pipe (never on a command line, where any user could read secrets in /proc).
   */
  assign(options: readonly string[], env: Record<string, string>): ChildProcess {
    if (!this.usable()) throw new Error("the spare sandbox is not usable (assigned, exited or not in its cgroup)");
    this.assigned = true;
    const setenv = Object.entries(env).flatMap(([key, value]) => ["--setenv", key, value]);
    (this.child.stdio[this.argsFd] as Writable).end(`${[...OPENING, ...options, ...setenv].join("\0")}\0`);
    return this.child;
  }

  /** Kills an unassigned spare and removes its cgroup (an assigned one belongs to its box). */
  discard(): void {
    if (this.assigned) return;
    this.assigned = true;
    this.child.kill("SIGKILL");
    this.child.once("exit", () => this.cgroup?.remove());
    if (!this.alive()) this.cgroup?.remove();
  }
}
