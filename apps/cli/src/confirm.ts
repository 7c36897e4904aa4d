import { createInterface } from "node:readline";
import type { CommandContext } from "./context.ts";

/** Whether a person can answer a prompt: stdin is a terminal. */
export function isInteractive(ctx: Pick<CommandContext, "stdin">): boolean {
  return (ctx.stdin as { isTTY?: boolean }).isTTY === true;
}

/**
 * Asks the person at the terminal to type `expected` back (the prompt goes to stderr, so stdout
 * stays clean for --json). True only for an exact match; end of input is a no.
 */
export async function confirmByTyping(ctx: Pick<CommandContext, "stdin" | "stderr">, prompt: string, expected: string) {
  return (await askLine(ctx, prompt)) === expected;
}

/** One line typed at the prompt (on stderr), trimmed; null at end of input. */
export async function askLine(ctx: Pick<CommandContext, "stdin" | "stderr">, prompt: string): Promise<string | null> {
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr, terminal: false });
  try {
    ctx.stderr.write(`${prompt} `);
    const answer = await new Promise<string | null>((resolve) => {
      rl.once("line", resolve);
      rl.once("close", () => resolve(null));
    });
    return answer?.trim() ?? null;
  } finally {
    rl.close();
  }
}
