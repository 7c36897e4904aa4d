import type { ParseArgsConfig } from "node:util";
import type { CommandContext } from "./context.ts";
import { CliError } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A command is data (drives parsing and help) plus a handler that returns an exit code. */
export interface Command<O extends Options = Options> {
  /** Words that select it, e.g. ["projects", "create"]. */
  path: string[];
  summary: string;
  usage: string;
  options: O;
  examples?: string[];
  run(
    ctx: CommandContext,
    args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] },
  ): Promise<number>;
}

export function defineCommand<O extends Options>(command: Command<O>): Command<O> {
  return command;
}

export function requireString(values: Record<string, unknown>, name: string, usage: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0) {
    throw new CliError(`--${name} is required.`, `Usage: ${usage}`, "MISSING_OPTION");
  }
  return value;
}

export function requirePositional(positionals: string[], index: number, what: string, usage: string): string {
  const value = positionals[index];
  if (!value) throw new CliError(`${what} is required.`, `Usage: ${usage}`, "MISSING_ARGUMENT");
  return value;
}
