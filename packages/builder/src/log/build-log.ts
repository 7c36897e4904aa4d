import type { LogLine, Masker } from "@slipway/core";
import type { NumberedLine } from "../failure.ts";

type Stream = LogLine["stream"];

/**
 * The build's log: masks secrets, stamps time, enforces the size cap, and keeps the first and last
 * lines of the current step's output, numbered as the log shows them, so a failed step can name
 * its cause (often printed early, then buried under wrappers and stack traces) in one line.
 */
export interface BuildLog {
  system(text: string): void;
  output(stream: "stdout" | "stderr", text: string): void;
  /** The last lines of process output (masked), oldest first. */
  tail(): string[];
  /** The current step's first and last lines of output with their log line numbers, in order. */
  stepOutput(): NumberedLine[];
  /** Starts a new step: forgets the previous step's output. */
  clearTail(): void;
}

const TAIL_LINES = 200;
const HEAD_LINES = 400;

export function createBuildLog(options: {
  onLog(line: Omit<LogLine, "seq">): void;
  mask: Masker;
  limitBytes: number;
  /** Lines already in the deployment's log: numbering goes on from there. */
  linesBefore?: number;
}): BuildLog {
  let bytes = 0;
  let truncated = false;
  let lineCount = options.linesBefore ?? 0;
  let seen = 0; // output lines of this step, the tail's lines are the last of them
  let head: NumberedLine[] = [];
  let tail: NumberedLine[] = [];

  const emit = (stream: Stream, text: string): number => {
    options.onLog({ at: new Date().toISOString(), stream, text });
    lineCount += 1;
    return lineCount;
  };
  const keep = (entry: NumberedLine) => {
    seen += 1;
    if (head.length < HEAD_LINES) head.push(entry);
    tail.push(entry);
    if (tail.length > TAIL_LINES) tail = tail.slice(-TAIL_LINES);
  };

  return {
    // System lines bypass the cap: they are few and say what happened (including the truncation).
    system: (text) => {
      emit("system", options.mask(text));
    },
    output(stream, raw) {
      const text = options.mask(raw);
      if (!truncated) bytes += Buffer.byteLength(text) + 1;
      if (!truncated && bytes > options.limitBytes) {
        truncated = true;
        emit("system", `log truncated after ${options.limitBytes} bytes; the build keeps running`);
      }
      keep({ line: truncated ? null : emit(stream, text), text });
    },
    tail: () => tail.map((entry) => entry.text),
    // Head and tail overlap until the step has printed more than both hold.
    stepOutput: () => [...head, ...tail.slice(Math.max(0, HEAD_LINES + tail.length - seen))],
    clearTail: () => {
      head = [];
      tail = [];
      seen = 0;
    },
  };
}
