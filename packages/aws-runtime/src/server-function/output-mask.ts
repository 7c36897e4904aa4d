import { format } from "node:util";
import type { Masker } from "@slipway/core/mask";

/**
 * Masks a deployment's secret values in everything its function prints, before Lambda sends it
 * to the site's log group (the local host masks its workers' lines the same way, with the same
 * masker). Two paths reach CloudWatch: the Lambda runtime replaces these console methods with its
 * own (they write to its telemetry pipe, not to process.stdout), and anything else (console.table,
 * raw process.stdout/stderr writes, the request log) goes through the process's streams. Both are
 * wrapped; a console line going through both is masked twice, which leaves it the same.
 *
 * Not covered: a secret split across two raw stream writes (each write is masked on its own).
 */
const RUNTIME_CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

type ConsoleMethod = (...args: unknown[]) => void;
type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;

export interface MaskedOutputs {
  readonly console: Pick<Console, (typeof RUNTIME_CONSOLE_METHODS)[number]>;
  readonly streams: readonly { write: Write }[];
}

const processOutputs = (): MaskedOutputs => ({
  console,
  streams: [process.stdout as unknown as { write: Write }, process.stderr as unknown as { write: Write }],
});

/** Installs the masking; returns what undoes it (tests). */
export function maskOutput(mask: Masker, outputs: MaskedOutputs = processOutputs()): () => void {
  const undo: (() => void)[] = [];
  const target = outputs.console as unknown as Record<string, ConsoleMethod>;
  for (const name of RUNTIME_CONSOLE_METHODS) {
    const original = target[name];
    if (typeof original !== "function") continue;
    // Formatted here (as the runtime would), then passed as one "%s" argument: a masked line
    // with a `%` in it is not formatted a second time.
    target[name] = function maskedConsole(this: unknown, ...args: unknown[]) {
      return original.call(this, "%s", mask(format(...args)));
    };
    undo.push(() => {
      target[name] = original;
    });
  }
  for (const stream of outputs.streams) {
    const original = stream.write;
    stream.write = function maskedWrite(this: unknown, chunk: unknown, encoding?: unknown, callback?: unknown) {
      return original.call(this, maskChunk(mask, chunk, encoding), encoding, callback);
    };
    undo.push(() => {
      stream.write = original;
    });
  }
  return () => {
    for (const step of undo.reverse()) step();
  };
}

/** Text is masked; bytes are read as UTF-8 and rewritten only when a secret was in them. */
function maskChunk(mask: Masker, chunk: unknown, encoding: unknown): unknown {
  if (typeof chunk === "string") {
    // Text written in another encoding (hex, base64) is not what a reader sees.
    const textual = typeof encoding !== "string" || encoding === "utf8" || encoding === "utf-8";
    return textual ? mask(chunk) : chunk;
  }
  if (chunk instanceof Uint8Array) {
    const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
    const masked = mask(text);
    return masked === text ? chunk : Buffer.from(masked, "utf8");
  }
  return chunk;
}
