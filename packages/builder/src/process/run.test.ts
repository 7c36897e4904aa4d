import { readFileSync } from "node:fs";
import type { LogLine } from "@slipway/core";
import { createMasker } from "@slipway/core";
import { describe, expect, it, vi } from "vitest";
import { createBuildLog } from "../log/build-log.ts";
import { run } from "./run.ts";

const ENV = { PATH: "/usr/bin:/bin" };

/** Gone, or a zombie waiting for init to reap it (killed all the same). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function logCollector() {
  const lines: Array<Omit<LogLine, "seq">> = [];
  const log = createBuildLog({ onLog: (l) => lines.push(l), mask: createMasker(["topsecret"]), limitBytes: 10_000 });
  return { log, lines };
}

describe("run", () => {
  it("streams stdout and stderr line by line, masked, and reports the exit code", async () => {
    const { log, lines } = logCollector();
    const outcome = await run({
      argv: ["sh", "-c", "echo one; echo topsecret >&2; printf 'no newline'; exit 3"],
      cwd: "/",
      env: ENV,
      log,
      signal: new AbortController().signal,
    });
    expect(outcome).toEqual({ kind: "exited", code: 3 });
    expect(lines.map((l) => [l.stream, l.text])).toEqual(
      expect.arrayContaining([
        ["stdout", "one"],
        ["stderr", "***"],
        ["stdout", "no newline"],
      ]),
    );
  });

  it("passes argv without a shell", async () => {
    const { log, lines } = logCollector();
    await run({
      argv: ["echo", "$(id)", ";", "rm -rf /"],
      cwd: "/",
      env: ENV,
      log,
      signal: new AbortController().signal,
    });
    expect(lines[0]?.text).toBe("$(id) ; rm -rf /");
  });

  it("kills the whole process group on abort, grandchildren included", async () => {
    const { log, lines } = logCollector();
    const controller = new AbortController();
    const started = performance.now();
    const pending = run({
      // The grandchild prints its pid, then both sleep; none may survive the abort.
      argv: ["sh", "-c", "sh -c 'echo $$; sleep 30' & sleep 30"],
      cwd: "/",
      env: ENV,
      log,
      signal: controller.signal,
      onLine: () => controller.abort(),
    });
    expect(await pending).toEqual({ kind: "aborted" });
    expect(performance.now() - started).toBeLessThan(5_000);
    const grandchild = Number(lines[0]?.text);
    // The kill is sent; the process is gone once the kernel has reaped it.
    await vi.waitUntil(() => !isAlive(grandchild), { timeout: 2_000 });
  });

  it("reports a command that cannot start", async () => {
    const { log } = logCollector();
    const outcome = await run({
      argv: ["/nonexistent/tool"],
      cwd: "/",
      env: ENV,
      log,
      signal: new AbortController().signal,
    });
    expect(outcome.kind).toBe("spawn-failed");
  });
});
