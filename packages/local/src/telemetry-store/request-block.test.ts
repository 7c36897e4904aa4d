import { requestEntry, requestRowsOf } from "@slipway/core/contracts";
import { describe, expect, it, vi } from "vitest";
import { decodeRequestBlock, encodeRequestBlock } from "./request-block.ts";

describe("request blocks", () => {
  const rows = requestRowsOf([
    requestEntry({ requestId: "r1", path: "/a" }),
    requestEntry({ requestId: "request-two", path: "/b?q=1", status: 503 }),
    requestEntry({ requestId: "r3", method: "POST" }),
  ]);

  it("write every byte of a block themselves, padding included", () => {
    // Blocks are made in memory that is not zeroed first: whatever it held must not show.
    const encodeOver = (fill: number) => {
      const spy = vi.spyOn(Buffer, "allocUnsafe").mockImplementation((size) => Buffer.alloc(size, fill));
      try {
        return encodeRequestBlock(rows, 1).body;
      } finally {
        spy.mockRestore();
      }
    };
    expect(encodeOver(0xee).equals(encodeOver(0x00))).toBe(true);
  });

  it("read back every request as it went in, with the block's bounds", () => {
    const { summary, body } = encodeRequestBlock(rows, 7);
    expect(summary).toMatchObject({ firstSeq: 7, lastSeq: 9, count: 3, minStatus: 200, maxStatus: 503 });
    const entries = decodeRequestBlock("p1", 7, body);
    expect(entries.map((e) => [e.seq, e.requestId, e.path, e.status])).toEqual([
      [7, "r1", "/a", 200],
      [8, "request-two", "/b?q=1", 503],
      [9, "r3", "/", 200],
    ]);
  });
});
