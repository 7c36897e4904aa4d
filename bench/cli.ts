import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli } from "../apps/cli/build.mjs";
import { REPO_ROOT, startPlatform } from "../tests/e2e/support/platform.ts";

/**
 * How long a `slipway` command takes, wall clock, against a real `slipway up` holding one project:
 * the bundled CLI (what `npm ci` builds) next to bare `node` (the floor) and the TypeScript
 * sources through tsx (what every command paid before the bundle). Measured with hyperfine when
 * it is installed, else by timing the same runs here.
 */
const GOAL_MS = 300;
const RUNS = 20;

interface Timing {
  command: string;
  meanMs: number;
  stddevMs: number;
  minMs: number;
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
    const useHyperfine = spawnSync("hyperfine", ["--version"]).status === 0;
    const timings = useHyperfine
      ? await hyperfine(
          commands.map((c) => c.line),
          env,
          scratch,
        )
      : commands.map((c) => timeHere(c.line, env));

    const rows = commands.map((c, i) => {
      const t = timings[i] as Timing;
      const verdict = c.goal ? (t.meanMs <= GOAL_MS ? "pass" : "FAIL") : "-";
      return `| ${c.name} | ${t.meanMs.toFixed(0)} ± ${t.stddevMs.toFixed(0)} ms | ${t.minMs.toFixed(0)} ms | ${c.goal ? `≤ ${GOAL_MS} ms` : "-"} | ${verdict} |`;
    });
    return [
      `Wall time of one command, mean ± σ of ${RUNS} runs after warm-up (${useHyperfine ? "hyperfine -N" : "timed in-process: hyperfine not installed"}), against a local \`slipway up\` with one project. Goal: a command answers in ≤ ${GOAL_MS} ms. \`node -e 0\` is the floor on this machine at this load.`,
      "",
      "| command | mean | min | target | result |",
      "| --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  } finally {
    await platform.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

async function hyperfine(lines: string[], env: NodeJS.ProcessEnv, scratch: string): Promise<Timing[]> {
  const out = join(scratch, "hyperfine.json");
  const result = spawnSync(
    "hyperfine",
    ["-N", "--warmup", "3", "--runs", String(RUNS), "--export-json", out, "--style", "none", ...lines],
    { env, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`hyperfine failed:\n${result.stdout}${result.stderr}`);
  const { results } = JSON.parse(await readFile(out, "utf8")) as {
    results: Array<{ command: string; mean: number; stddev: number; min: number }>;
  };
  return results.map((r) => ({
    command: r.command,
    meanMs: r.mean * 1000,
    stddevMs: r.stddev * 1000,
    minMs: r.min * 1000,
  }));
}

function timeHere(line: string, env: NodeJS.ProcessEnv): Timing {
  const [bin, ...args] = line.split(" ") as [string, ...string[]];
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const started = performance.now();
    const result = spawnSync(bin, args, { env, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${line} exited ${result.status}`);
    if (i >= 3) samples.push(performance.now() - started);
  }
  const meanMs = samples.reduce((a, b) => a + b, 0) / samples.length;
  const stddevMs = Math.sqrt(samples.reduce((a, b) => a + (b - meanMs) ** 2, 0) / samples.length);
  return { command: line, meanMs, stddevMs, minMs: Math.min(...samples) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchCli());
}
