import { parseArgs } from "node:util";
import { isSlipwayError, SlipwayError } from "@slipway/core/errors";
import { createApiClient } from "./client.ts";
import { usageError } from "./command.ts";
import { ALL_OPTIONS, findCommand, GLOBAL_FLAGS } from "./commands/registry.ts";
import type { CommandContext } from "./context.ts";
import { DEFAULT_API_URL, readCredentials } from "./credentials.ts";
import { commandHelp, generalHelp } from "./help.ts";

export interface Io {
  stdout: NodeJS.WritableStream & import("node:stream").Writable;
  stderr: NodeJS.WritableStream & import("node:stream").Writable;
  stdin: import("node:stream").Readable;
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. */
export async function main(argv: string[], io: Io = process): Promise<number> {
  // Read before parsing, so even a usage error is reported the way the caller asked.
  const json = argv.includes("--json");
  const debug = argv.includes("--debug");
  try {
    return await dispatch(argv, io, json);
  } catch (error) {
    return reportError(io, error, json, debug);
  }
}

async function dispatch(argv: string[], io: Io, json: boolean): Promise<number> {
  // Flags may come before or after the command's words. Every command's flags are known here,
  // so the value of `--project shop` is not taken for a word.
  const { positionals: words } = parseArgs({ args: argv, options: ALL_OPTIONS, allowPositionals: true, strict: false });
  const command = findCommand(words);
  if (!command) {
    // `slipway --help`, and `slipway env --help` for a group of commands: the list of commands.
    if (argv.includes("--help") || argv.includes("-h")) {
      io.stdout.write(`${generalHelp()}\n`);
      return 0;
    }
    const hint = "Usage: slipway COMMAND [--json] [--debug] (`slipway --help` lists the commands)";
    if (words.length === 0) throw new SlipwayError("USAGE", "No command given.", hint);
    throw new SlipwayError("USAGE", `Unknown command "${words.join(" ")}".`, hint);
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
    // node's messages go on with advice about `--`; the first sentence names the bad flag.
    const first = (error as Error).message.split(". ")[0]?.replace(/\.$/, "");
    throw usageError(`${first} (slipway ${command.path.join(" ")}).`, command.usage);
  }
  if (parsed.values.help) {
    io.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const positionals = parsed.positionals.slice(command.path.length);
  if (positionals.length > command.maxPositionals) {
    throw usageError(`Unexpected argument "${positionals[command.maxPositionals]}".`, command.usage);
  }
  return command.run(createContext(io, json), {
    values: parsed.values as Record<string, string | boolean | string[] | undefined>,
    positionals,
  });
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

/** Catalogued errors (ours or the API's) print code-free message + hint; anything else is a bug. */
function reportError(io: Io, error: unknown, json: boolean, debug: boolean): number {
  if (!isSlipwayError(error)) {
    io.stderr.write(`Error: unexpected error: ${(error as Error)?.message}. Rerun with --debug for details.\n`);
    if (debug) io.stderr.write(`${(error as Error)?.stack}\n`);
    return 1;
  }
  const { code, message, hint } = error;
  if (json) io.stderr.write(`${JSON.stringify({ error: { code, message, hint } })}\n`);
  else if (code === "USAGE") io.stderr.write(`Error: ${message}\n${hint ?? ""}\n`);
  else io.stderr.write(`Error: ${message}${hint ? `\nHint: ${hint}` : ""}\n`);
  if (debug) io.stderr.write(`${error.stack}\n`);
  return code === "USAGE" ? 2 : 1;
}
