import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { startLoad } from "./support/load-client.ts";
import { expectReady, REPO_ROOT, startPlatform, type TestPlatform } from "./support/platform.ts";
import { waitUntil } from "./support/processes.ts";
import { scratchDir } from "./support/scratch.ts";

const HOST = "rs.localhost";
const BIN = join(REPO_ROOT, "apps/cli/bin/slipway.js");

/**
 * What `slipway up` runs from: a script at a fixed path, as an installed CLI is. Rewriting it
 * between restarts stands in for installing a newer build: the restart must start what is there
 * now. The "newer build" writes its pid to a file on start, so the test can tell it ran.
 */
const launcher = (build: number, marker: string) =>
  `import { appendFileSync } from "node:fs";\n` +
  `appendFileSync(${JSON.stringify(marker)}, "build ${build} pid " + process.pid + "\\n");\n` +
  `await import(${JSON.stringify(BIN)});\n`;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Issue 16: a restart (and an upgrade) under steady load refuses no request and cuts no stream.
describe("restart under load", () => {
  let platform: TestPlatform;
  let repo: FixtureRepo;
  let script: string;
  let marker: string;

  beforeAll(async () => {
    const dir = await scratchDir("slipway-restart-");
    script = join(dir, "slipway.mjs");
    marker = join(dir, "builds.log");
    await writeFile(script, launcher(1, marker));
    platform = await startPlatform({ cli: script });
    repo = await createFixtureRepo("next-app");
    expect((await platform.cli(["projects", "create", "rs", "--repo", repo.bare, "--json"])).code).toBe(0);
    const deployed = await platform.cli(["deploy", "--project", "rs", "--json"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    await expectReady(platform, deployed.json());
  });

  afterAll(async () => {
    const pid = Number((await readFile(join(platform.dataDir, "slipway.pid"), "utf8").catch(() => "")).split("\n")[0]);
    if (pid > 0 && isAlive(pid)) {
      process.kill(pid, "SIGTERM");
      await waitUntil("the platform to stop", () => !isAlive(pid), 60_000).catch(() => process.kill(pid, "SIGKILL"));
    }
    await platform?.stop();
  });

  it("restarts twice, the second time into a newer build, with 0 failed of ≥ 5,000 requests", async () => {
    const load = startLoad({
      port: platform.edgePort,
      host: HOST,
      keepAliveLoops: 4,
      freshLoops: 2,
      streamLoops: 2,
      routes: [
        { path: "/", check: (status) => (status === 200 ? null : `status ${status}`) },
        {
          path: "/api/hello?load=1",
          check: (status, body) => (status === 200 && body.includes('"hello":"world"') ? null : `${status} ${body}`),
        },
      ],
      streamRoute: {
        path: "/api/stream",
        check: (status, body) =>
          status === 200 && /^chunk 0 .*\nchunk 1 .*\nchunk 2 .*\n$/.test(body)
            ? null
            : `${status} incomplete: ${body}`,
      },
    });
    const restart = async () => {
      const result = await platform.cli(["admin", "restart", "--data-dir", platform.dataDir, "--json"]);
      expect(result.code, `${result.stderr}\n${platform.output().slice(-3000)}`).toBe(0);
      return result.json<{ previousPid: number; pid: number }>();
    };

    await waitUntil("load to get going", () => load.total >= 1_000, 120_000);
    const first = await restart();
    expect(first.pid).not.toBe(first.previousPid);
    const afterFirst = load.total;

    await writeFile(script, launcher(2, marker));
    await waitUntil("load on the new process", () => load.total >= afterFirst + 1_000, 120_000);
    const second = await restart();
    await waitUntil("load to reach 5,000", () => load.total >= 5_000 && load.total >= afterFirst + 2_000, 300_000);
    const report = await load.stop();
    console.log(`restart under load: ${report.ok} ok (${report.streams} streams), ${report.failed} failed`);

    expect(report.failures, `${report.failed} failed`).toEqual([]);
    expect(report.ok).toBeGreaterThanOrEqual(5_000);
    expect(report.streams).toBeGreaterThan(20);
    // The second restart ran the build installed after the first one.
    expect(await readFile(marker, "utf8")).toContain(`build 2 pid ${second.pid}`);
    expect(isAlive(first.previousPid)).toBe(false);
    expect(platform.output()).toContain(`restart: pid ${second.pid} serves`);
  });
});
