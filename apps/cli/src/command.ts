import type { ParseArgsConfig } from "node:util";
import { SlipwayError } from "@slipway/core/errors";
import type { CommandContext } from "./context.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** A command is data (drives parsing and help) plus a handler that returns an exit code. */
export interface Command<O extends Options = Options> {
  /** Words that select it, e.g. ["projects", "create"]. */
  path: string[];
  summary: string;
  usage: string;
  /** Arguments after the command's words it accepts; more is a usage error. */
  maxPositionals: number;
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

/** A usage error (exit code 2) whose hint is the command's usage line. */
export function usageError(message: string, usage: string): SlipwayError {
  return new SlipwayError("USAGE", message, `Usage: ${usage.split("\n")[0]}`);
}

export function requireString(values: Record<string, unknown>, name: string, usage: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0) throw usageError(`--${name} is required.`, usage);
  return value;
}

export function requirePositional(positionals: string[], index: number, what: string, usage: string): string {
  const value = positionals[index];
  if (!value) throw usageError(`${what} is required.`, usage);
  return value;
}
