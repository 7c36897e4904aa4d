import { createMasker } from "@slipway/core/mask";
import { describe, expect, it, vi } from "vitest";
import { maskOutput } from "./output-mask.ts";

const SECRET = "sk_live_0123456789";

/** A stream that records what reaches it (what Lambda would send to CloudWatch). */
function capturingStream() {
  const written: string[] = [];
  const stream = {
    write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      written.push(
        typeof chunk === "string" && (encoding === "hex" || encoding === "base64")
          ? `<${encoding}:${chunk}>`
          : String(chunk),
      );
      if (typeof callback === "function") callback();
      return true;
    },
  };
  return { stream, written, text: () => written.join("") };
}

function install(flushMs = 60_000) {
  const out = capturingStream();
  const console = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };
  const undo = maskOutput(createMasker([SECRET]), { console, streams: [out.stream] }, flushMs);
  return { ...out, undo };
}

describe("raw writes are masked a whole line at a time", () => {
  it("finds a secret written in pieces, as text and as bytes", () => {
    const { stream, text, undo } = install();
    stream.write("token=sk_live_01");
    stream.write(Buffer.from("23456789 ok\nnext "));
    stream.write(`${SECRET.slice(0, 5)}`);
    stream.write(`${SECRET.slice(5)}\n`);
    undo();
    expect(text()).toBe("token=*** ok\nnext ***\n");
    expect(text()).not.toContain("sk_live");
  });

  it("decodes a character split between two byte writes whole", () => {
    const { stream, text, undo } = install();
    const bytes = Buffer.from("größe ✓\n", "utf8");
    stream.write(bytes.subarray(0, 3)); // "gr" and the first byte of "ö"
    stream.write(bytes.subarray(3));
    undo();
    expect(text()).toBe("größe ✓\n");
  });

  it("writes a line's start once it has waited long enough, masked", async () => {
    const { stream, text, undo } = install(20);
    stream.write(`prompt ${SECRET} > `);
    expect(text()).toBe("");
    await vi.waitUntil(() => text() !== "", { timeout: 2_000 });
    expect(text()).toBe("prompt *** > ");
    undo();
  });

  it("calls a write's callback, and passes text in other encodings through after what it held", async () => {
    const { stream, written, undo } = install();
    const called = new Promise<void>((resolve) => stream.write("held", "utf8", resolve));
    await called;
    stream.write("68656c6c6f", "hex");
    undo();
    expect(written).toEqual(["held", "<hex:68656c6c6f>"]);
  });
});
