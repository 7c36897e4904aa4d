import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli } from "../apps/cli/build.mjs";
import { REPO_ROOT, startPlatform } from "../tests/e2e/support/platform.ts";

/**
 * How long a `slipway` command takes, wall clock, against a real `slipway up` holding one project:
 * the bundled CLI (what `npm ci` builds) next to bare `node` (the floor) and the TypeScript
 * sources through tsx (what every command paid before the bundle). Needs hyperfine
 * (`apt-get install hyperfine`).
 */
const GOAL_MS = 300;
const RUNS = 20;

interface Timing {
  command: string;
  meanMs: number;
  stddevMs: number;
  minMs: number;
  /** Mean user + system CPU time. */
  cpuMs: number;
}

export async function benchCli(): Promise<string> {
  await buildCli();
  const platform = await startPlatform();
  const scratch = await mkdtemp(join(tmpdir(), "slipway-bench-cli-"));
  try {
    const repo = join(scratch, "repo");
    execFileSync("git", ["init", "-q", "-b", "main", repo]);
    await writeFile(join(repo, "README.md"), "bench\n");
    execFileSync("git", ["-C", repo, "add", "-A"]);
    execFileSync("git", ["-C", repo, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench"]);
    const created = await platform.api("POST", "/api/v1/projects", { name: "bench", repo });
    if (created.status !== 201 && created.status !== 200) throw new Error(`project create: ${JSON.stringify(created)}`);

    const cli = `node ${join(REPO_ROOT, "apps/cli/bin/slipway.js")}`;
    const tsx = `node --import tsx ${join(REPO_ROOT, "apps/cli/src/entry.ts")}`;
    const commands = [
      { name: "node -e 0 (the floor)", line: "node -e 0", goal: false },
      { name: "slipway --help", line: `${cli} --help`, goal: true },
      { name: "slipway projects ls", line: `${cli} projects ls`, goal: true },
      { name: "slipway deployments ls --project bench", line: `${cli} deployments ls --project bench`, goal: true },
      { name: "slipway projects ls, sources through tsx (before)", line: `${tsx} projects ls`, goal: false },
    ];
    const env = { ...process.env, SLIPWAY_URL: platform.apiUrl, SLIPWAY_TOKEN: platform.token };
    const timings = await hyperfine(
      commands.map((c) => c.line),
      env,
      scratch,
    );
    const rows = commands.map((c, i) => {
      const t = timings[i] as Timing;
      const verdict = c.goal ? (t.meanMs <= GOAL_MS ? "pass" : "FAIL") : "-";
      const ms = (value: number) => `${value.toFixed(0)} ms`;
      return `| ${c.name} | ${ms(t.meanMs)} ± ${ms(t.stddevMs)} | ${ms(t.minMs)} | ${ms(t.cpuMs)} | ${c.goal ? `≤ ${GOAL_MS} ms` : "-"} | ${verdict} |`;
    });
    return [
      `Wall time of one command, mean ± σ of ${RUNS} runs after warm-up (\`hyperfine -N\`), against a local \`slipway up\` with one project; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(
          " / ",
        )} when it ran. Goal: a command answers in ≤ ${GOAL_MS} ms wall. \`node -e 0\` is the floor at this load; CPU (user + system) is what the command itself costs, whatever else the machine runs.`,
      "",
      "| command | mean | min | CPU | target | result |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  } finally {
    await platform.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function hyperfine(lines: string[], env: NodeJS.ProcessEnv, scratch: string): Promise<Timing[]> {
  if (spawnSync("hyperfine", ["--version"]).status !== 0) {
    throw new Error("hyperfine is not installed: apt-get install hyperfine");
  }
  const out = join(scratch, "hyperfine.json");
  const result = spawnSync(
    "hyperfine",
    ["-N", "--warmup", "3", "--runs", String(RUNS), "--export-json", out, "--style", "none", ...lines],
    { env, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`hyperfine failed:\n${result.stdout}${result.stderr}`);
  const { results } = JSON.parse(await readFile(out, "utf8")) as {
    results: Array<{ command: string; mean: number; stddev: number; min: number; user: number; system: number }>;
  };
  return results.map((r) => ({
    command: r.command,
    meanMs: r.mean * 1000,
    stddevMs: r.stddev * 1000,
    minMs: r.min * 1000,
    cpuMs: (r.user + r.system) * 1000,
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchCli());
}
