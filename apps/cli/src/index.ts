import { parseArgs } from "node:util";
import { createApiClient } from "./client.ts";
import { findCommand } from "./commands/registry.ts";
import type { CommandContext } from "./context.ts";
import { DEFAULT_API_URL, readCredentials } from "./credentials.ts";
import { CliError } from "./errors.ts";
import { commandHelp, generalHelp } from "./help.ts";

export interface Io {
  stdout: NodeJS.WritableStream & import("node:stream").Writable;
  stderr: NodeJS.WritableStream & import("node:stream").Writable;
  stdin: import("node:stream").Readable;
  env: NodeJS.ProcessEnv;
}

const GLOBAL_FLAGS = {
  json: { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const words = argv.filter((a) => !a.startsWith("-"));
  const command = findCommand(words);
  const wantsJson = argv.includes("--json");
  if (!command) {
    if (words.length === 0 || argv.includes("--help")) {
      io.stdout.write(`${generalHelp()}\n`);
      return words.length === 0 && !argv.includes("--help") ? 2 : 0;
    }
    io.stderr.write(`Error: unknown command "${words.join(" ")}". Run \`slipway --help\`.\n`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...GLOBAL_FLAGS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`Error: ${(error as Error).message}\nUsage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const ctx = createContext(io, wantsJson);
  try {
    return await command.run(ctx, {
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals.slice(command.path.length),
    });
  } catch (error) {
    return reportError(io, error, wantsJson, parsed.values.debug === true);
  }
}

function createContext(io: Io, json: boolean): CommandContext {
  let client: ReturnType<typeof createApiClient> | null = null;
  return {
    ...io,
    json,
    async api() {
      if (client) return client;
      const saved = await readCredentials(io.env);
      const url = io.env.SLIPWAY_URL || saved?.url || DEFAULT_API_URL;
      const token = io.env.SLIPWAY_TOKEN || saved?.token;
      client = createApiClient(url, token);
      return client;
    },
    print: (line) => io.stdout.write(`${line}\n`),
    printJson: (value) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

function reportError(io: Io, error: unknown, json: boolean, debug: boolean): number {
  const known = error instanceof CliError || (error as { name?: string })?.name === "SlipwayError";
  const { message, hint, code } = error as { message: string; hint?: string; code?: string };
  if (!known) {
    io.stderr.write(`Error: unexpected error: ${message}. Rerun with --debug for details.\n`);
    if (debug) io.stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
  if (json) io.stderr.write(`${JSON.stringify({ error: { code, message, hint } })}\n`);
  else io.stderr.write(`Error: ${message}${hint ? `\nHint: ${hint}` : ""}\n`);
  if (debug) io.stderr.write(`${(error as Error).stack}\n`);
  return 1;
}
