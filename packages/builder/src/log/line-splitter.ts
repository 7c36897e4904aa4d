/**
 * Turns a byte stream into lines. Decodes UTF-8 across chunk boundaries, treats `\r` (progress
 * bars) as a line end, and flushes a very long line in pieces so one minified blob can't hold
 * megabytes in memory.
 */
const MAX_LINE = 16 * 1024;

export interface LineSplitter {
  push(chunk: Buffer): void;
  end(): void;
}

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  const decoder = new TextDecoder("utf-8");
  let pending = "";

  const drain = (text: string) => {
    pending += text;
    const parts = pending.split(/\r\n|\r|\n/);
    pending = parts.pop() ?? "";
    for (const part of parts) onLine(part);
    while (pending.length > MAX_LINE) {
      onLine(pending.slice(0, MAX_LINE));
      pending = pending.slice(MAX_LINE);
    }
  };

  return {
    push: (chunk) => drain(decoder.decode(chunk, { stream: true })),
    end: () => {
      drain(decoder.decode());
      if (pending.length > 0) onLine(pending);
      pending = "";
    },
  };
}
