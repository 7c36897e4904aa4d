import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";

/**
 * `npm run bench`: runs every benchmark section one after the other (each starts its own servers;
 * side by side they would measure each other), prints the tables and writes docs/benchmarks.md.
 * `npm run bench -- serve lifecycle` runs only the named sections and leaves the doc alone, so a
 * partial run never replaces the full record.
 *
 * A section is `bench/<file>.ts` exporting `<fn>(): Promise<string>` (markdown). Goal rows end in
 * a `pass` or `FAIL` cell; this runner counts them for the summary. A missing file is skipped
 * with a note (sections are written by different people); a section that throws is recorded
 * with its error, the others still run, and the exit code is 1.
 */
interface Section {
  name: string;
  title: string;
  file: string;
  fn: string;
}

const SECTIONS: Section[] = [
  { name: "build", title: "Build", file: "build.ts", fn: "benchBuild" },
  { name: "serve", title: "Serving", file: "serve.ts", fn: "benchServe" },
  {
    name: "lifecycle",
    title: "Lifecycle: rollback and deploys under load",
    file: "lifecycle.ts",
    fn: "benchLifecycle",
  },
  { name: "cli", title: "CLI: command latency", file: "cli.ts", fn: "benchCli" },
  {
    name: "telemetry",
    title: "Telemetry: edge throughput with request logging on and off",
    file: "telemetry.ts",
    fn: "benchTelemetry",
  },
  { name: "https", title: "HTTPS through the edge against plain HTTP", file: "https.ts", fn: "benchHttps" },
  { name: "dashboard", title: "Dashboard: server render at scale", file: "dashboard.ts", fn: "benchDashboard" },
];

type Outcome =
  | { kind: "ran"; markdown: string; seconds: number }
  | { kind: "absent" }
  | { kind: "failed"; error: string; seconds: number };

async function runSection(section: Section): Promise<Outcome> {
  const url = new URL(`./${section.file}`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) return { kind: "absent" };
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 1000);
  try {
    const module = (await import(url.href)) as Record<string, unknown>;
    const fn = module[section.fn];
    if (typeof fn !== "function") throw new Error(`bench/${section.file} does not export ${section.fn}()`);
    const markdown = await (fn as () => Promise<string>)();
    return { kind: "ran", markdown, seconds: seconds() };
  } catch (error) {
    return {
      kind: "failed",
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      seconds: seconds(),
    };
  }
}

/** pass / FAIL cells of the section's goal rows. */
function goalCounts(markdown: string): { pass: number; fail: number } {
  const cells = markdown
    .split("\n")
    .flatMap((line) => (line.startsWith("|") ? line.split("|").map((c) => c.trim()) : []));
  return { pass: cells.filter((c) => c === "pass").length, fail: cells.filter((c) => c === "FAIL").length };
}

function verdict(outcome: Outcome): string {
  if (outcome.kind === "absent") return "skipped (not written yet)";
  if (outcome.kind === "failed") return `ERROR after ${outcome.seconds} s`;
  const { pass, fail } = goalCounts(outcome.markdown);
  if (pass + fail === 0)
    return `ran in ${outcome.seconds} s; no pass/FAIL cells (goals, if any, in the section's text)`;
  return `${fail === 0 ? "pass" : "FAIL"}: ${pass}/${pass + fail} goals met, ${outcome.seconds} s`;
}

function sectionBody(section: Section, outcome: Outcome): string {
  if (outcome.kind === "absent") return `_Skipped: bench/${section.file} does not exist yet._`;
  if (outcome.kind === "failed") return `**The benchmark failed:**\n\n\`\`\`\n${outcome.error}\n\`\`\``;
  return outcome.markdown;
}

function machine(): string {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(", ");
  const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  return [
    // Some VMs report a clock speed of 0: say so rather than print "0 MHz".
    `- CPU: ${cpus.length} × ${models}${cpus[0]?.speed ? ` (${cpus[0].speed} MHz)` : " (clock speed not reported)"}`,
    // Other work on the box skews every number; the load average at start shows how much there was.
    `- Load average at start (1/5/15 min): ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" / ")}`,
    `- Memory: ${gb(os.totalmem())} total, ${gb(os.freemem())} free at start`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node.js: ${process.version}`,
  ].join("\n");
}

const selected = process.argv.slice(2);
const unknown = selected.filter((name) => !SECTIONS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(", ")}; known: ${SECTIONS.map((s) => s.name).join(", ")}`);
  process.exit(2);
}
const toRun = selected.length > 0 ? SECTIONS.filter((s) => selected.includes(s.name)) : SECTIONS;

const startedAt = new Date();
const machineAtStart = machine(); // free memory and load average before the sections add their own
const results: Array<{ section: Section; outcome: Outcome }> = [];
for (const section of toRun) {
  console.error(`▶ ${section.title} (bench/${section.file})`);
  const outcome = await runSection(section);
  results.push({ section, outcome });
  console.log(`\n## ${section.title}\n\n${sectionBody(section, outcome)}\n\n_${verdict(outcome)}_\n`);
}

const doc = [
  "# Benchmarks",
  "",
  "Written by `npm run bench` (`node --import tsx bench/run.ts`); numbers from one run on the machine below. Rerun it to refresh this page.",
  "",
  `- Date: ${startedAt.toISOString()}`,
  machineAtStart,
  "",
  "| section | result |",
  "| --- | --- |",
  ...results.map(({ section, outcome }) => `| ${section.title} | ${verdict(outcome)} |`),
  "",
  ...results.flatMap(({ section, outcome }) => [`## ${section.title}`, "", sectionBody(section, outcome), ""]),
].join("\n");

if (selected.length === 0) {
  const path = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
  await mkdir(fileURLToPath(new URL("../docs/", import.meta.url)), { recursive: true });
  await writeFile(path, doc);
  console.error(`wrote ${path}`);
} else {
  console.error("only some sections ran: docs/benchmarks.md left as it was");
}
process.exit(results.some((r) => r.outcome.kind === "failed") ? 1 : 0);
