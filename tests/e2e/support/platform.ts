import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { scratchDir } from "./scratch.ts";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const CLI = join(REPO_ROOT, "apps/cli/bin/slipway.js");

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws when it is not). */
  json<T = any>(): T;
}

/** A real `slipway up` in a child process, driven through the real CLI and HTTP. */
export interface TestPlatform {
  dataDir: string;
  apiUrl: string;
  edgePort: number;
  token: string;
  process: ChildProcess;
  output(): string;
  cli(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<CliResult>;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops it: SIGTERM by default, SIGKILL to simulate a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same data dir and ports. */
  restart(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  /** The edge's port, when something must know it before the platform starts (an ACME server). */
  edgePort?: number;
  env?: Record<string, string>;
  /** The script `slipway up` runs from (a restart test's launcher); default: the repo's CLI. */
  cli?: string;
}

export async function startPlatform(options: StartOptions = {}): Promise<TestPlatform> {
  const dataDir = options.dataDir ?? (await scratchDir("slipway-e2e-"));
  const port = await freePort();
  const edgePort = options.edgePort ?? (await freePort());
  const apiUrl = `http://127.0.0.1:${port}`;
  let output = "";
  let child!: ChildProcess;

  const boot = async () => {
    child = spawn(
      process.execPath,
      [options.cli ?? CLI, "up", "--data-dir", dataDir, "--port", String(port), "--edge-port", String(edgePort)],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, SLIPWAY_IDLE_TIMEOUT_MS: "600000", ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`slipway up exited ${child.exitCode}:\n${output}`);
      const ok = await fetch(`${apiUrl}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`slipway up did not become healthy:\n${output}`);
  };
  await boot();
  const token = (await readFile(join(dataDir, "admin-token"), "utf8")).trim();

  const platform: TestPlatform = {
    dataDir,
    apiUrl,
    edgePort,
    token,
    get process() {
      return child;
    },
    output: () => output,
    cli: (args, cliOptions = {}) =>
      runCli(args, { SLIPWAY_URL: apiUrl, SLIPWAY_TOKEN: token, ...cliOptions.env }, cliOptions.input),
    async api(method, path, body) {
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text,
      };
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
    restart: boot,
  };
  return platform;
}

export async function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(input ?? "");
    child.on("close", (code) =>
      resolveRun({
        code: code ?? 1,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`slipway ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
          }
        },
      }),
    );
  });
}

/**
 * Fails unless the deployment is ready, with what a reader needs to see why: its status reason,
 * the end of its build log and of the platform's output.
 */
export async function expectReady(
  platform: TestPlatform,
  deployment: { id: string; status: string; statusReason?: string | null },
) {
  if (deployment.status === "ready") return;
  const { body } = await platform.api<Array<{ text: string }>>("GET", `/api/v1/deployments/${deployment.id}/logs`);
  const buildLog = Array.isArray(body) ? body.map((line) => line.text).join("\n") : JSON.stringify(body);
  throw new Error(
    `deployment ${deployment.id} is ${deployment.status}: ${deployment.statusReason ?? "no reason"}\n` +
      `--- build log (end) ---\n${buildLog.slice(-8000)}\n--- platform output (end) ---\n${platform.output().slice(-4000)}`,
  );
}

/** Polls until the deployment is finished; returns its final JSON. */
export async function waitForDeployment(platform: TestPlatform, id: string, timeoutMs = 300_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await platform.api("GET", `/api/v1/deployments/${id}`);
    if (["ready", "error", "canceled"].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`deployment ${id} did not finish in ${timeoutMs} ms\n${platform.output()}`);
}
