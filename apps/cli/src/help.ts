import type { Command } from "./command.ts";
import { COMMANDS } from "./commands/registry.ts";
import { table } from "./output.ts";

export function generalHelp(): string {
  return [
    "slipway: deploy Next.js apps on infrastructure you own",
    "",
    table(COMMANDS.map((c) => [`  ${c.path.join(" ")}`, c.summary])),
    "",
    "Global flags: --json (machine-readable output), --debug (stack traces), --help",
    "Environment: SLIPWAY_URL (default http://127.0.0.1:7300), SLIPWAY_TOKEN (or `slipway login`)",
  ].join("\n");
}

export function commandHelp(command: Command): string {
  const lines = [command.summary, "", `Usage: ${command.usage}`];
  if (command.examples?.length) lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}
