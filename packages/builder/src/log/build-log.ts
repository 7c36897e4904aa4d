import type { LogLine, Masker } from "@slipway/core";

type Stream = LogLine["stream"];

/**
 * The build's log: masks secrets, stamps time, enforces the size cap, and keeps a short tail of
 * recent output so a failed step can explain itself in one line.
 */
export interface BuildLog {
  system(text: string): void;
  output(stream: "stdout" | "stderr", text: string): void;
  /** The last lines of process output (masked), oldest first. */
  tail(): string[];
  clearTail(): void;
}

const TAIL_LINES = 200;

export function createBuildLog(options: {
  onLog(line: Omit<LogLine, "seq">): void;
  mask: Masker;
  limitBytes: number;
}): BuildLog {
  let bytes = 0;
  let truncated = false;
  let tail: string[] = [];

  const emit = (stream: Stream, text: string) => {
    options.onLog({ at: new Date().toISOString(), stream, text });
  };

  return {
    // System lines bypass the cap: they are few and say what happened (including the truncation).
    system: (text) => emit("system", options.mask(text)),
    output(stream, raw) {
      const text = options.mask(raw);
      tail.push(text);
      if (tail.length > TAIL_LINES) tail = tail.slice(-TAIL_LINES);
      if (truncated) return;
      bytes += Buffer.byteLength(text) + 1;
      if (bytes > options.limitBytes) {
        truncated = true;
        emit("system", `log truncated after ${options.limitBytes} bytes; the build keeps running`);
        return;
      }
      emit(stream, text);
    },
    tail: () => [...tail],
    clearTail: () => {
      tail = [];
    },
  };
}
