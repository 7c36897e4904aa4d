import {
  createIsoFormatter,
  NUMBER,
  type RequestEntry,
  type RequestRows,
  ROW_LABELS,
  ROW_NUMBERS,
  requestEntriesOf,
} from "@slipway/core/telemetry";
import { type BlockSummary, KIND_BITS } from "./entry-block.ts";

/**
 * A block of request rows (format 2): the columns as the edge filled them, written as they are —
 * numbers and label indexes byte for byte, the label table once, the request ids as one string —
 * with no object per request and no compression on the way in (deflating was most of what
 * logging cost: issue 13). ~90 bytes per request; format 1 (entry-block.ts) took ~50, deflated.
 *
 * Layout: a header of four u32 (count, table bytes, id bytes, 0), the numbers (f64), the labels
 * (u16, padded to 4 bytes), the id ends (u32), the table as JSON, the ids (ASCII).
 */
export const REQUEST_BLOCK_FORMAT = 2;
const HEADER = 16;

export function encodeRequestBlock(rows: RequestRows, firstSeq: number): { summary: BlockSummary; body: Buffer } {
  const { count, numbers, labels, idEnds } = rows;
  if (count === 0) throw new Error("encodeRequestBlock: no rows");
  let minAt = Number.POSITIVE_INFINITY;
  let maxAt = Number.NEGATIVE_INFINITY;
  let minStatus = Number.POSITIVE_INFINITY;
  let maxStatus = Number.NEGATIVE_INFINITY;
  for (let n = 0; n < count * ROW_NUMBERS; n += ROW_NUMBERS) {
    const at = numbers[n + NUMBER.endedAt] as number;
    const status = numbers[n + NUMBER.status] as number;
    if (at < minAt) minAt = at;
    if (at > maxAt) maxAt = at;
    if (status < minStatus) minStatus = status;
    if (status > maxStatus) maxStatus = status;
  }
  const table = Buffer.from(JSON.stringify(rows.table));
  const ids = bytesOf(rows.ids, rows.ids.length);
  const numberBytes = count * ROW_NUMBERS * 8;
  const labelBytes = align4(count * ROW_LABELS * 2);
  const endBytes = count * 4;
  // Not zeroed first (a block is ~700 KB, every batch): each byte is written below, padding too.
  const body = Buffer.allocUnsafe(HEADER + numberBytes + labelBytes + endBytes + table.length + ids.length);
  body.writeUInt32LE(count, 0);
  body.writeUInt32LE(table.length, 4);
  body.writeUInt32LE(ids.length, 8);
  body.writeUInt32LE(0, 12);
  let at = HEADER;
  at += bytesOf(numbers, count * ROW_NUMBERS).copy(body, at);
  const labelEnd = at + bytesOf(labels, count * ROW_LABELS).copy(body, at);
  at += labelBytes;
  body.fill(0, labelEnd, at);
  at += bytesOf(idEnds, count).copy(body, at);
  at += table.copy(body, at);
  ids.copy(body, at);
  const iso = createIsoFormatter();
  return {
    summary: {
      firstSeq,
      lastSeq: firstSeq + count - 1,
      count,
      minAt: iso(minAt),
      maxAt: iso(maxAt),
      kinds: KIND_BITS.request,
      minStatus,
      maxStatus,
    },
    body,
  };
}

export function decodeRequestBlock(projectId: string, firstSeq: number, body: Buffer): RequestEntry[] {
  const count = body.readUInt32LE(0);
  const tableBytes = body.readUInt32LE(4);
  const idBytes = body.readUInt32LE(8);
  let at = HEADER;
  // Copies: a stored blob's offset need not suit a typed array's alignment.
  const numbers = new Float64Array(slice(body, at, count * ROW_NUMBERS * 8));
  at += count * ROW_NUMBERS * 8;
  const labels = new Uint16Array(slice(body, at, count * ROW_LABELS * 2));
  at += align4(count * ROW_LABELS * 2);
  const idEnds = new Uint32Array(slice(body, at, count * 4));
  at += count * 4;
  const table = JSON.parse(body.toString("utf8", at, at + tableBytes)) as string[];
  at += tableBytes;
  if (at + idBytes !== body.length)
    throw new Error(`request block at seq ${firstSeq}: ${body.length} bytes, not ${at + idBytes}`);
  const ids = new Uint8Array(slice(body, at, idBytes));
  return requestEntriesOf(projectId, firstSeq, { count, numbers, labels, table, ids, idEnds });
}

const align4 = (n: number) => Math.ceil(n / 4) * 4;

function bytesOf(array: Float64Array | Uint16Array | Uint32Array | Uint8Array, length: number): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, length * array.BYTES_PER_ELEMENT);
}

function slice(body: Buffer, at: number, length: number): ArrayBuffer {
  return body.buffer.slice(body.byteOffset + at, body.byteOffset + at + length) as ArrayBuffer;
}
