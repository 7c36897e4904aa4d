import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { main } from "../index.ts";

async function runCli(argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), env: process.env });
  stdout.end();
  stderr.end();
  return { code, stdout: await text(stdout), stderr: await text(stderr) };
}

// Integration, not unit: it starts real sandboxes and namespaces (seconds, more on a loaded box).
describe("slipway doctor", () => {
  it("checks this machine for real and exits non-zero only when something required fails", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "slipway-doctor-"));
    await chmod(dataDir, 0o755);
    const result = await runCli(["doctor", "--data-dir", dataDir, "--json"]);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ name: string; status: string }> };
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(["node", "git", "bubblewrap", "network namespace", "cgroups", "data dir"]),
    );
    expect(report.checks.find((c) => c.name === "data dir")?.status).toBe("warn");
    expect(report.ok).toBe(!report.checks.some((c) => c.status === "fail"));
    expect(result.code).toBe(report.ok ? 0 : 1);

    const human = await runCli(["doctor", "--data-dir", dataDir]);
    expect(human.stdout).toMatch(/^warn\s+data dir\s+.*0755/m);
    expect(human.stdout).toContain(`fix: slipway up makes it 0700 at start; or chmod 700 ${dataDir}.`);
  });
});
