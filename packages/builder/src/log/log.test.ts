import type { LogLine } from "@slipway/core";
import { createMasker } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { explainFailure } from "../failure.ts";
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

describe("explainFailure", () => {
  it("prefers the compiler's message over npm's summary", () => {
    const tail = [
      "> Build error occurred",
      "Error: Turbopack build failed with 1 error:",
      "./app/page.js:2:1",
      "\u001b[31mError: Module not found: Can't resolve './this-module-does-not-exist'\u001b[39m",
      "Error: Command failed: npm run build",
    ];
    expect(explainFailure(tail)).toBe("Module not found: Can't resolve './this-module-does-not-exist'");
  });

  it("finds npm's error code", () => {
    const tail = ["npm error code E404", "npm error 404 Not Found - GET https://registry.npmjs.org/nope"];
    expect(explainFailure(tail)).toBe("npm error code E404");
  });

  it("returns null when nothing looks like an error", () => {
    expect(explainFailure(["all good", ""])).toBeNull();
  });
});
