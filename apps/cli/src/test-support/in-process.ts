import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { serve } from "@hono/node-server";
import { type ApiDeps, createApi, hashToken } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE } from "@slipway/core";
import {
  createMemoryBuildCache,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
} from "@slipway/memory";
import { onTestFinished } from "vitest";
import { main } from "../index.ts";

// The CLI's command tests in one process: main() with its streams captured, against the real API
// on in-memory adapters (the subprocess harness with SQLite is api-server.ts).

/** The admin token `serveApi` stores and hands the CLI. */
const ADMIN_TOKEN = "tok";

/** The in-memory adapters the API needs (the store's outbox feeds the queue); a test spreads in more. */
export function memoryApiDeps() {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  return {
    store,
    queue,
    buildCache: createMemoryBuildCache(),
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    git: createMemoryGitRemote(),
    urls: { hostname: (l: string) => `${l}.localhost`, url: (h: string) => `http://${h}`, apiUrl: "http://api" },
  };
}

/**
 * The API over `deps` on a loopback port, with an admin token, closed when the test ends.
 * Returns the environment the CLI reaches it with.
 */
export async function serveApi(deps: ApiDeps): Promise<Record<string, string>> {
  await deps.store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken(ADMIN_TOKEN),
    createdAt: "2026",
    ...ADMIN_TOKEN_SCOPE,
  });
  const server = serve({ fetch: createApi(deps).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { SLIPWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SLIPWAY_TOKEN: ADMIN_TOKEN };
}

/** Runs the CLI in process; `input` is what the person types, `tty` whether stdin is a terminal. */
export async function runMain(
  env: Record<string, string>,
  args: string[],
  options: { tty?: boolean; input?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  if (options.input !== undefined) stdin.end(options.input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (chunk) => out.push(String(chunk)));
  stderr.on("data", (chunk) => err.push(String(chunk)));
  const code = await main(args, { stdin, stdout, stderr, env: { ...env, HOME: "/nonexistent" } });
  return { code, stdout: out.join(""), stderr: err.join("") };
}
