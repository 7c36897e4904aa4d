import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Builder, BuildRequest, BuildStatus } from "@slipway/core";
import { type BuildMode, buildRequest, runBuilderContract } from "@slipway/core/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createSupervisedBuilder } from "./supervisor.ts";

// Real detached child processes (a stand-in child that builds nothing): the state on disk is the
// only thing two supervisors share, as two platform processes would.

const CHILD = fileURLToPath(new URL("../test-support/supervised-child.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function jobsDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "slipway-supervisor-"));
  dirs.push(dir);
  return dir;
}

function supervisor(dir: string) {
  return createSupervisedBuilder({ jobsDir: dir, entry: CHILD, nodeArgs: ["--import", TSX], config: { n: 1 } });
}

/** The contract's request, carrying a secret: the job folder must never hold it. */
function request(deploymentId: string, mode: BuildMode): BuildRequest {
  return { ...buildRequest(mode, deploymentId), env: { MODE: mode, SECRET: "hunter2" }, mask: ["hunter2"] };
}

/** Polls status until it leaves `running` (a condition, not a fixed sleep). */
async function settled(builder: Builder, handle: string, timeoutMs = 20_000): Promise<BuildStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await builder.status(handle);
    if (status.state !== "running" || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function pidOf(dir: string, handle: string): Promise<number> {
  return (JSON.parse(await readFile(path.join(dir, handle, "pid.json"), "utf8")) as { pid: number }).pid;
}

// The port's promises, with the stand-in child (it builds by request.env.MODE, as the contract asks).
runBuilderContract({ name: "supervised", create: async () => supervisor(await jobsDir()) });

describe("supervised builder", () => {
  it("a job cut short on stdin (the supervisor killed mid-write) leaves no result, so the build counts as lost", async () => {
    const dir = await jobsDir();
    const job = JSON.stringify({ request: request("dpl_cut", "succeed"), config: { n: 1 } });
    const run = (input: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ["--import", TSX, CHILD, dir], { stdio: ["pipe", "ignore", "ignore"] });
        child.once("exit", resolve);
        child.stdin.end(input);
      });
    await run(job.slice(0, job.length / 2));
    expect(existsSync(path.join(dir, "result.json"))).toBe(false);
    // Well-formed but no job: the same on every try, so a failure with its reason.
    await run("{}");
    expect(JSON.parse(await readFile(path.join(dir, "result.json"), "utf8"))).toMatchObject({
      ok: false,
      reason: "the build's job on stdin is not a job",
    });
  });

  it("runs a build in a child process and reports its result; a second start returns the same build", async () => {
    const dir = await jobsDir();
    const builder = supervisor(dir);
    const handle = await builder.start(request("d1", "succeed"));
    expect(await builder.start(request("d1", "succeed"))).toBe(handle);
    expect(await settled(builder, handle)).toEqual({ state: "succeeded", artifactKey: "artifacts/d1.tar" });
    const pid = await pidOf(dir, handle);
    expect(await builder.start(request("d1", "succeed"))).toBe(handle);
    expect(await pidOf(dir, handle)).toBe(pid);
    // The request holds the build's secrets: it reached the child over stdin, never a file.
    for (const name of await readdir(path.join(dir, handle))) {
      expect(await readFile(path.join(dir, handle, name), "utf8")).not.toContain("hunter2");
    }
  });

  it("reports a failed build with its reason", async () => {
    const builder = supervisor(await jobsDir());
    const handle = await builder.start(request("d2", "fail"));
    expect(await settled(builder, handle)).toEqual({ state: "failed", reason: "next build exited with code 1" });
  });

  it("is canceled from another supervisor on the same folder (another process)", async () => {
    const dir = await jobsDir();
    const handle = await supervisor(dir).start(request("d3", "hang"));
    const other = supervisor(dir);
    expect(await other.status(handle)).toEqual({ state: "running" });
    await other.cancel(handle);
    expect(await settled(other, handle)).toEqual({ state: "failed", reason: "canceled" });
    await other.cancel(handle); // idempotent
    await other.cancel("../../etc"); // not a handle: ignored
  });

  it("reports a build whose process was killed as lost, starts it again, and sweeps only what is dead", async () => {
    const dir = await jobsDir();
    const builder = supervisor(dir);
    const handle = await builder.start(request("d4", "hang"));
    await settled(builder, handle, 0); // written pid first
    const pid = await pidOf(dir, handle);
    process.kill(-pid, "SIGKILL");
    expect(await settled(builder, handle)).toEqual({
      state: "lost",
      reason: "the build process ended without a result",
    });

    const running = await builder.start(request("d5", "hang"));
    await builder.sweep();
    expect(existsSync(path.join(dir, handle))).toBe(false);
    expect(await builder.status(running)).toEqual({ state: "running" });

    expect(await builder.start(request("d4", "succeed"))).toBe(handle);
    expect(await settled(builder, handle)).toMatchObject({ state: "succeeded" });
    await builder.cancel(running);
    expect(await settled(builder, running)).toMatchObject({ state: "failed" });
  });
});
