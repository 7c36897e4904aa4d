import { describe, expect, it } from "vitest";
import { parseWorkerLine, WORKER_LOG_MARK } from "./worker-log.ts";

describe("parseWorkerLine", () => {
  it("reads a tagged console record with its request id, level and stack", () => {
    const line = `${WORKER_LOG_MARK}${JSON.stringify({ r: "req-1", l: "error", t: "Error: boom\n    at x", s: "Error: boom\n    at x" })}`;
    expect(parseWorkerLine("stderr", line)).toEqual({
      requestId: "req-1",
      level: "error",
      text: "Error: boom\n    at x",
      stack: "Error: boom\n    at x",
    });
  });

  it("keeps untagged output at the stream's level", () => {
    expect(parseWorkerLine("stdout", "plain")).toEqual({ requestId: null, level: "info", text: "plain", stack: null });
    expect(parseWorkerLine("stderr", "oops").level).toBe("error");
  });

  it("does not trust a forged record's fields", () => {
    const line = `${WORKER_LOG_MARK}${JSON.stringify({ r: "bad id with spaces", l: "fatal", t: 42 })}`;
    expect(parseWorkerLine("stdout", line)).toEqual({ requestId: null, level: "info", text: "", stack: null });
    expect(parseWorkerLine("stdout", `${WORKER_LOG_MARK}{not json`).text).toBe("{not json");
  });
});
