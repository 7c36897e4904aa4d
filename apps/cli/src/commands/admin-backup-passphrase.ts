import { readFile } from "node:fs/promises";
import { SlipwayError } from "@slipway/core/errors";
import type { CommandContext } from "../context.ts";

/**
 * The backup passphrase from `--passphrase-file` or SLIPWAY_BACKUP_PASSPHRASE, never from the
 * command line (it would sit in shell history and `ps`). Null when neither is given.
 */
export async function readPassphrase(
  ctx: CommandContext,
  file: string | undefined,
): Promise<{ text: string; source: string } | null> {
  if (file !== undefined) {
    const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new SlipwayError("INVALID_INPUT", `Cannot read --passphrase-file ${file}: ${error.code ?? error.message}.`);
    });
    return { text, source: `--passphrase-file ${file}` };
  }
  const fromEnv = ctx.env.SLIPWAY_BACKUP_PASSPHRASE;
  return fromEnv ? { text: fromEnv, source: "SLIPWAY_BACKUP_PASSPHRASE" } : null;
}
