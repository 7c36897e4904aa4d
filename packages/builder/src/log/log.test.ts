import type { LogLine } from "@slipway/core";
import { createMasker } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { createBuildLog } from "./build-log.ts";
import { createLineSplitter } from "./line-splitter.ts";

describe("masking", () => {
  it("replaces every secret, longest first", () => {
    const mask = createMasker(["s3cret", "s3cret-and-more", "tok"]);
    expect(mask("a=s3cret-and-more b=s3cret c=tok tok")).toBe("a=*** b=*** c=*** ***");
  });

  it("ignores empty and one-character values", () => {
    const mask = createMasker(["", "x"]);
    expect(mask("x marks the spot")).toBe("x marks the spot");
  });
});

describe("build log", () => {
  function collect(limitBytes: number, mask: string[] = []) {
    const lines: Array<Omit<LogLine, "seq">> = [];
    const log = createBuildLog({ onLog: (l) => lines.push(l), mask: createMasker(mask), limitBytes });
    return { log, lines };
  }

  it("masks output and system lines and stamps them", () => {
    const { log, lines } = collect(1000, ["hunter2"]);
    log.output("stdout", "password is hunter2");
    log.system("▶ using hunter2");
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ["stdout", "password is ***"],
      ["system", "▶ using ***"],
    ]);
    expect(Date.parse(lines[0]?.at ?? "")).not.toBeNaN();
  });

  it("caps output, says so once, and still passes system lines", () => {
    const { log, lines } = collect(30);
    for (let i = 0; i < 10; i++) log.output("stdout", `line number ${i}`);
    log.system("✓ done");
    expect(lines.map((l) => l.text)).toEqual([
      "line number 0",
      "line number 1",
      "log truncated after 30 bytes; the build keeps running",
      "✓ done",
    ]);
    // The tail still sees everything, so a failure after the cap can still be explained.
    expect(log.tail()).toHaveLength(10);
  });

  it("numbers a step's output as the log does and keeps its first lines past the tail", () => {
    const { log, lines } = collect(1_000_000);
    log.system("▶ Installing");
    log.output("stdout", "installed");
    log.clearTail();
    log.system("▶ Building");
    log.output("stderr", "Module not found: Can't resolve 'x'");
    for (let i = 0; i < 1000; i++) log.output("stdout", `noise ${i}`);
    const step = log.stepOutput();
    expect(step[0]).toEqual({ line: 4, text: "Module not found: Can't resolve 'x'" });
    expect(lines[3]?.text).toBe("Module not found: Can't resolve 'x'");
    expect(step.at(-1)).toEqual({ line: 1004, text: "noise 999" });
    expect(step).toHaveLength(600);
    expect(new Set(step.map((l) => l.line)).size).toBe(600);
  });

  it("numbers on from the lines the deployment's log held before the build", () => {
    const log = createBuildLog({ onLog: () => {}, mask: createMasker([]), limitBytes: 1000, linesBefore: 3 });
    log.output("stderr", "Type error: nope");
    expect(log.stepOutput()).toEqual([{ line: 4, text: "Type error: nope" }]);
  });

  it("gives output cut by the cap no line number", () => {
    const { log } = collect(10);
    log.output("stdout", "short");
    log.output("stdout", "this one is over");
    expect(log.stepOutput()).toEqual([
      { line: 1, text: "short" },
      { line: null, text: "this one is over" },
    ]);
  });
});

describe("line splitter", () => {
  it("splits on \\n, \\r\\n and \\r and keeps multi-byte characters across chunks", () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    const bytes = Buffer.from("a\r\nb\rc✓\nlast");
    splitter.push(bytes.subarray(0, 7));
    splitter.push(bytes.subarray(7));
    splitter.end();
    expect(lines).toEqual(["a", "b", "c✓", "last"]);
  });
});
