import { randomUUID } from "node:crypto";
import { requestEntry, requestRowsOf } from "@slipway/core/contracts";
import { describe, expect, it, vi } from "vitest";
import { COMPACT_REQUEST_BLOCK, decodeRequestBlock, encodeRequestBlock, PLAIN_REQUEST_BLOCK } from "./request-block.ts";

type Over = Parameters<typeof requestEntry>[0];
const AT = "2026-12-02T10:00:00.500Z";
const entryOf = (over: Over) => requestEntry({ at: AT, ...over });
const rowsOf = (overs: Over[]) => requestRowsOf(overs.map(entryOf));
const roundTrip = (overs: Over[]) => {
  const { body, format } = encodeRequestBlock(rowsOf(overs), 7);
  return { format, bytes: body.length, entries: decodeRequestBlock("p1", 7, body, format) };
};

describe("request blocks", () => {
  const uuids = Array.from({ length: 3 }, () => randomUUID());
  const edgeLike: Over[] = [
    { requestId: uuids[0], path: "/a", durationMs: 1.25, at: "2026-12-02T10:00:00.000Z" },
    { requestId: uuids[1], path: "/b?q=1", status: 503, bytes: 4_000_000_000, at: "2026-12-02T10:00:01.250Z" },
    { requestId: uuids[2], method: "POST", durationMs: 0, at: "2026-12-02T10:00:00.999Z" },
  ];

  it("store what the edge reports in the compact format, ids as 16 bytes, and read it back as it went in", () => {
    const { format, bytes, entries } = roundTrip(edgeLike);
    expect(format).toBe(COMPACT_REQUEST_BLOCK);
    expect(entries).toEqual(edgeLike.map((over, row) => ({ ...entryOf(over), seq: 7 + row })));
    // 3 × (4 + 4 + 4 + 2 + 14 + 16) bytes a row, the header, the padding and the label table.
    expect(bytes).toBeLessThan(3 * 44 + 24 + 4 + 200);
  });

  it.each([
    [
      "keep a caller's own request id as it came, in the compact format",
      { requestId: "caller-id-1" },
      COMPACT_REQUEST_BLOCK,
    ],
    [
      "keep an uppercase UUID as it came, in the compact format",
      { requestId: randomUUID().toUpperCase() },
      COMPACT_REQUEST_BLOCK,
    ],
    [
      "fall back to the plain format for a duration finer than a hundredth of a millisecond",
      { durationMs: 1.234 },
      PLAIN_REQUEST_BLOCK,
    ],
    ["fall back to the plain format for more bytes than 32 bits count", { bytes: 2 ** 32 }, PLAIN_REQUEST_BLOCK],
    ["fall back to the plain format for a negative duration", { durationMs: -1 }, PLAIN_REQUEST_BLOCK],
    [
      "fall back to the plain format for requests further apart than 32 bits of milliseconds (49 days)",
      { at: "2027-03-01T00:00:00.000Z" },
      PLAIN_REQUEST_BLOCK,
    ],
  ])("%s, losing nothing", (_, over: Over, expected: number) => {
    const overs = [...edgeLike, over];
    const { format, entries } = roundTrip(overs);
    expect(format).toBe(expected);
    expect(entries).toEqual(overs.map((o, row) => ({ ...entryOf(o), seq: 7 + row })));
  });

  it.each([
    ["compact", edgeLike, "allocUnsafeSlow"],
    ["compact, caller's ids", [...edgeLike, { requestId: "caller-id-1" }], "allocUnsafeSlow"],
    ["plain", [...edgeLike, { durationMs: 1.234 }], "allocUnsafe"],
  ] as const)("write every byte of a %s block themselves, padding included", (_, overs, allocator) => {
    // Blocks are made in memory that is not zeroed first: whatever it held must not show.
    const rows = rowsOf([...overs]);
    const encodeOver = (fill: number) => {
      const spy = vi.spyOn(Buffer, allocator).mockImplementation((size) => Buffer.alloc(size, fill));
      try {
        return encodeRequestBlock(rows, 1).body;
      } finally {
        spy.mockRestore();
      }
    };
    expect(encodeOver(0xee).equals(encodeOver(0x00))).toBe(true);
  });

  it("refuse a body whose length does not add up", () => {
    const { body, format } = encodeRequestBlock(rowsOf(edgeLike), 7);
    expect(() => decodeRequestBlock("p1", 7, body.subarray(0, body.length - 1), format)).toThrow(
      /request block at seq 7: \d+ bytes, not \d+/,
    );
  });
});
