import { StringDecoder } from "node:string_decoder";
import { format } from "node:util";
import type { Masker } from "@slipway/core/mask";

/**
 * Masks a deployment's secret values in everything its function prints, before Lambda sends it
 * to the site's log group (the local host masks its workers' lines the same way, with the same
 * masker). Two paths reach CloudWatch: the Lambda runtime replaces these console methods with its
 * own (they write to its telemetry pipe, not to process.stdout), and anything else (console.table,
 * raw process.stdout/stderr writes, the request log) goes through the process's streams. Both are
 * wrapped; a console line going through both is masked twice, which leaves it the same. Raw
 * writes are masked a whole line at a time (what CloudWatch makes an event of, and what the local
 * host masks), so a secret written in pieces is still found: a line's start waits for its end, at
 * most `flushMs` or MAX_HELD characters.
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

/** A line's start is held at most this long for its end; then it is written (masked) as it is. */
const FLUSH_MS = 100;
/** Nor past this many characters: a line without end must not grow the heap. */
const MAX_HELD = 16 * 1024;

/** Installs the masking; returns what undoes it (tests). */
export function maskOutput(
  mask: Masker,
  outputs: MaskedOutputs = processOutputs(),
  flushMs: number = FLUSH_MS,
): () => void {
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
    const lines = maskLines(mask, (text) => original.call(stream, text, "utf8"), flushMs);
    stream.write = function maskedWrite(this: unknown, chunk: unknown, encoding?: unknown, callback?: unknown) {
      const done = typeof encoding === "function" ? encoding : callback;
      const text = textOf(chunk, typeof encoding === "function" ? undefined : encoding, lines.decoder);
      if (text === null) {
        // Not text a reader sees (hex, base64, an object): after what is held, as it came.
        lines.flush();
        return original.call(this, chunk, encoding, callback);
      }
      const ok = lines.write(text);
      if (typeof done === "function") process.nextTick(done as () => void);
      return ok;
    };
    // The process's last partial line is written before it goes (stdio to a pipe is synchronous).
    const onExit = () => lines.flush();
    process.once("exit", onExit);
    undo.push(() => {
      lines.flush();
      process.off("exit", onExit);
      stream.write = original;
    });
  }
  return () => {
    for (const step of undo.reverse()) step();
  };
}

/**
 * A chunk as the text it adds to the stream, or null when it is no UTF-8 text. Bytes go through
 * the stream's decoder, so a character split between two writes is decoded whole.
 */
function textOf(chunk: unknown, encoding: unknown, decoder: StringDecoder): string | null {
  if (typeof chunk === "string") {
    const textual = encoding === undefined || encoding === null || encoding === "utf8" || encoding === "utf-8";
    return textual ? chunk : null;
  }
  if (chunk instanceof Uint8Array) return decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return null;
}

/** Writes whole lines masked; holds a line's start until its end, `flushMs` or MAX_HELD. */
function maskLines(mask: Masker, out: (text: string) => boolean, flushMs: number) {
  let held = "";
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (held === "") return;
    const text = held;
    held = "";
    out(mask(text));
  };
  return {
    decoder: new StringDecoder("utf8"),
    flush,
    write(text: string): boolean {
      const all = held + text;
      const end = all.length > MAX_HELD ? all.length : all.lastIndexOf("\n") + 1;
      held = all.slice(end);
      if (held !== "" && !timer) {
        timer = setTimeout(flush, flushMs);
        timer.unref();
      }
      return end > 0 ? out(mask(all.slice(0, end))) : true;
    },
  };
}
