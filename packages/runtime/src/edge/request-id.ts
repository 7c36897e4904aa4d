import { randomFillSync } from "node:crypto";

const VALID = /^[\w.:-]{1,128}$/;

/** Keeps a caller's request id when it looks like one (so traces join up), else makes one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && VALID.test(header) ? header : randomRequestId();
}

/** Random bytes for this many ids are drawn at once: one call into the CSPRNG per 256 requests. */
const IDS_PER_DRAW = 256;
const random = new Uint8Array(16 * IDS_PER_DRAW);
let drawn = random.length;
const HEX = Buffer.from("0123456789abcdef", "latin1");
const DASH = 0x2d;
const text = Buffer.alloc(36);

/**
 * A random (version 4) UUID as a flat string. `crypto.randomUUID()` returns a string of ~20
 * concatenated pieces, which the request log's copy of the id (RequestColumns.append) must
 * flatten first: append took ~220–250 ns with those and ~125 with these, and making one costs no
 * more (bench/request-append.ts). The characters are written into a buffer and read out at once.
 */
export function randomRequestId(): string {
  if (drawn === random.length) {
    randomFillSync(random);
    drawn = 0;
  }
  const at = drawn;
  drawn += 16;
  let out = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[out++] = DASH;
    let byte = random[at + i] as number;
    if (i === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10xx (RFC 9562)
    text[out++] = HEX[byte >> 4] as number;
    text[out++] = HEX[byte & 0x0f] as number;
  }
  return text.toString("latin1", 0, 36);
}
