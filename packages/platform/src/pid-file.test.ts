import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pidFile, processIdentity, runningPid, writePidFile } from "./pid-file.ts";

describe("pid file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "slipway-pid-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names the running process that wrote it, and nothing once removed", () => {
    const remove = writePidFile(dir);
    expect(runningPid(dir)).toBe(process.pid);
    remove();
    expect(runningPid(dir)).toBeNull();
  });

  it("leaves a successor's pid file alone when the process it replaced stops", async () => {
    const remove = writePidFile(dir);
    await writeFile(pidFile(dir), "4242\n");
    remove();
    expect(readFileSync(pidFile(dir), "utf8")).toBe("4242\n");
  });

  it("ignores a pid file left by a process that died", async () => {
    const child = spawn(process.execPath, ["-e", ""]);
    const pid = child.pid as number;
    await new Promise((r) => child.once("exit", r));
    await writeFile(pidFile(dir), String(pid));
    expect(runningPid(dir)).toBeNull();
  });

  it.runIf(processIdentity(process.pid) !== null)(
    "ignores a stale pid file whose pid now belongs to another process",
    async () => {
      // Our own pid stands in for "a pid reused after a crash or reboot": it is alive, but it is not
      // the process that wrote the file.
      await writeFile(pidFile(dir), `${process.pid}\n00000000-dead-boot:12345\n`);
      expect(runningPid(dir)).toBeNull();
      await writeFile(pidFile(dir), `${process.pid}\n${processIdentity(process.pid)}\n`);
      expect(runningPid(dir)).toBe(process.pid);
    },
  );

  it("still honours an old pid-only file while that process lives", async () => {
    await writeFile(pidFile(dir), String(process.pid));
    expect(runningPid(dir)).toBe(process.pid);
  });
});
