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
 * Blocks of request rows, written as the edge filled its columns — numbers and label indexes as
 * arrays, the label table once — with no object per request and no general-purpose compression on
 * the way in (deflating was most of what logging cost: issue 13). Format 1 (entry-block.ts) is the
 * older, deflated one.
 *
 * Format 3, what is written when every row fits (~44 bytes a request): times as u32 milliseconds
 * after the block's first, durations as u32 hundredths of a millisecond (the edge rounds them so),
 * bytes as u32, statuses as u16, and request ids that are all lowercase UUIDs as their 16 bytes.
 * Half of format 2's bytes is half of what SQLite, its WAL, the checkpoint and the page cache copy
 * per request on the telemetry thread, and of the memory that thread sweeps through beside the
 * edge's.
 *
 * Format 2, the fallback (~90 bytes a request): the numbers as f64 and the ids as ASCII.
 */
export const PLAIN_REQUEST_BLOCK = 2;
export const COMPACT_REQUEST_BLOCK = 3;

export function isRequestBlockFormat(format: number): boolean {
  return format === PLAIN_REQUEST_BLOCK || format === COMPACT_REQUEST_BLOCK;
}

/** Format 2: four u32 (count, table bytes, id bytes, 0). */
const PLAIN_HEADER = 16;
/** Format 3: four u32 (count, table bytes, id bytes, flags) and the first time (f64). */
const COMPACT_HEADER = 24;
const FLAG_UUIDS = 1;
const UUID_CHARS = 36;
const UUID_BYTES = 16;
const U32_MAX = 0xffffffff;

export function encodeRequestBlock(
  rows: RequestRows,
  firstSeq: number,
): { summary: BlockSummary; body: Buffer; format: number } {
  const { count, numbers } = rows;
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
  const compact = compactBody(rows, table, minAt);
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
    body: compact ?? plainBody(rows, table),
    format: compact ? COMPACT_REQUEST_BLOCK : PLAIN_REQUEST_BLOCK,
  };
}

export function decodeRequestBlock(projectId: string, firstSeq: number, body: Buffer, format: number): RequestEntry[] {
  const rows = format === COMPACT_REQUEST_BLOCK ? compactRows(body, firstSeq) : plainRows(body, firstSeq);
  return requestEntriesOf(projectId, firstSeq, rows);
}

function plainBody(rows: RequestRows, table: Buffer): Buffer {
  const { count, numbers, labels, idEnds } = rows;
  const ids = bytesOf(rows.ids, rows.ids.length);
  const numberBytes = count * ROW_NUMBERS * 8;
  const labelBytes = align4(count * ROW_LABELS * 2);
  // Not zeroed first (blocks are written all the time): each byte is written below, padding too.
  const body = Buffer.allocUnsafe(PLAIN_HEADER + numberBytes + labelBytes + count * 4 + table.length + ids.length);
  body.writeUInt32LE(count, 0);
  body.writeUInt32LE(table.length, 4);
  body.writeUInt32LE(ids.length, 8);
  body.writeUInt32LE(0, 12);
  let at = PLAIN_HEADER;
  at += bytesOf(numbers, count * ROW_NUMBERS).copy(body, at);
  const labelEnd = at + bytesOf(labels, count * ROW_LABELS).copy(body, at);
  at += labelBytes;
  body.fill(0, labelEnd, at);
  at += bytesOf(idEnds, count).copy(body, at);
  at += table.copy(body, at);
  ids.copy(body, at);
  return body;
}

function plainRows(body: Buffer, firstSeq: number): RequestRows {
  const count = body.readUInt32LE(0);
  const tableBytes = body.readUInt32LE(4);
  const idBytes = body.readUInt32LE(8);
  let at = PLAIN_HEADER;
  // Copies: a stored blob's offset need not suit a typed array's alignment.
  const numbers = new Float64Array(slice(body, at, count * ROW_NUMBERS * 8));
  at += count * ROW_NUMBERS * 8;
  const labels = new Uint16Array(slice(body, at, count * ROW_LABELS * 2));
  at += align4(count * ROW_LABELS * 2);
  const idEnds = new Uint32Array(slice(body, at, count * 4));
  at += count * 4;
  const table = JSON.parse(body.toString("utf8", at, at + tableBytes)) as string[];
  at += tableBytes;
  checkLength(body, at + idBytes, firstSeq);
  const ids = new Uint8Array(slice(body, at, idBytes));
  return { count, numbers, labels, table, ids, idEnds };
}

/** The format 3 body, or null when a row does not fit it (format 2 then). */
function compactBody(rows: RequestRows, table: Buffer, firstAt: number): Buffer | null {
  const { count, numbers, labels } = rows;
  const uuids = allUuids(rows);
  const idBytes = uuids ? count * UUID_BYTES : rows.ids.length;
  const u32Bytes = count * 4;
  const statusBytes = align4(count * 2);
  const labelBytes = align4(count * ROW_LABELS * 2);
  const endBytes = uuids ? 0 : count * 4;
  const size = COMPACT_HEADER + 3 * u32Bytes + statusBytes + labelBytes + endBytes + table.length + idBytes;
  // Its own ArrayBuffer (never the shared pool), so the views below start aligned.
  const body = Buffer.allocUnsafeSlow(size);
  const times = new Uint32Array(body.buffer, COMPACT_HEADER, count);
  const durations = new Uint32Array(body.buffer, COMPACT_HEADER + u32Bytes, count);
  const sizes = new Uint32Array(body.buffer, COMPACT_HEADER + 2 * u32Bytes, count);
  let at = COMPACT_HEADER + 3 * u32Bytes;
  const statuses = new Uint16Array(body.buffer, at, count);
  for (let row = 0, n = 0; row < count; row++, n += ROW_NUMBERS) {
    const time = (numbers[n + NUMBER.endedAt] as number) - firstAt;
    const duration = numbers[n + NUMBER.durationMs] as number;
    const hundredths = Math.round(duration * 100);
    const bytes = numbers[n + NUMBER.bytes] as number;
    const status = numbers[n + NUMBER.status] as number;
    if (!(Number.isInteger(time) && time <= U32_MAX)) return null;
    if (!(hundredths / 100 === duration && hundredths >= 0 && hundredths <= U32_MAX)) return null;
    if (!(Number.isInteger(bytes) && bytes >= 0 && bytes <= U32_MAX)) return null;
    if (!(Number.isInteger(status) && status >= 0 && status <= 0xffff)) return null;
    times[row] = time;
    durations[row] = hundredths;
    sizes[row] = bytes;
    statuses[row] = status;
  }
  body.fill(0, at + count * 2, at + statusBytes);
  at += statusBytes;
  const labelEnd = at + bytesOf(labels, count * ROW_LABELS).copy(body, at);
  body.fill(0, labelEnd, at + labelBytes);
  at += labelBytes;
  if (!uuids) at += bytesOf(rows.idEnds, count).copy(body, at);
  at += table.copy(body, at);
  if (uuids) packUuids(rows.ids, count, body, at);
  else bytesOf(rows.ids, rows.ids.length).copy(body, at);
  body.writeUInt32LE(count, 0);
  body.writeUInt32LE(table.length, 4);
  body.writeUInt32LE(idBytes, 8);
  body.writeUInt32LE(uuids ? FLAG_UUIDS : 0, 12);
  body.writeDoubleLE(firstAt, 16);
  return body;
}

function compactRows(body: Buffer, firstSeq: number): RequestRows {
  const count = body.readUInt32LE(0);
  const tableBytes = body.readUInt32LE(4);
  const idBytes = body.readUInt32LE(8);
  const uuids = (body.readUInt32LE(12) & FLAG_UUIDS) !== 0;
  const firstAt = body.readDoubleLE(16);
  const u32Bytes = count * 4;
  const times = new Uint32Array(slice(body, COMPACT_HEADER, u32Bytes));
  const durations = new Uint32Array(slice(body, COMPACT_HEADER + u32Bytes, u32Bytes));
  const sizes = new Uint32Array(slice(body, COMPACT_HEADER + 2 * u32Bytes, u32Bytes));
  let at = COMPACT_HEADER + 3 * u32Bytes;
  const statuses = new Uint16Array(slice(body, at, count * 2));
  at += align4(count * 2);
  const labels = new Uint16Array(slice(body, at, count * ROW_LABELS * 2));
  at += align4(count * ROW_LABELS * 2);
  const numbers = new Float64Array(count * ROW_NUMBERS);
  for (let row = 0, n = 0; row < count; row++, n += ROW_NUMBERS) {
    numbers[n + NUMBER.endedAt] = firstAt + (times[row] as number);
    numbers[n + NUMBER.durationMs] = (durations[row] as number) / 100;
    numbers[n + NUMBER.bytes] = sizes[row] as number;
    numbers[n + NUMBER.status] = statuses[row] as number;
  }
  let idEnds: Uint32Array;
  if (uuids) idEnds = Uint32Array.from({ length: count }, (_, row) => (row + 1) * UUID_CHARS);
  else {
    idEnds = new Uint32Array(slice(body, at, count * 4));
    at += count * 4;
  }
  const table = JSON.parse(body.toString("utf8", at, at + tableBytes)) as string[];
  at += tableBytes;
  checkLength(body, at + idBytes, firstSeq);
  const ids = uuids ? unpackUuids(body, at, count) : new Uint8Array(slice(body, at, idBytes));
  return { count, numbers, labels, table, ids, idEnds };
}

/** Hex digit values by ASCII code (-1: not a lowercase hex digit). */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let digit = 0; digit < 16; digit++) HEX_VALUE["0123456789abcdef".charCodeAt(digit)] = digit;
const HEX_CHAR = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const DASH = 45;
const isDashAt = (i: number) => i === 8 || i === 13 || i === 18 || i === 23;

/** Every id is a lowercase UUID (8-4-4-4-12 hex digits): what the edge gives a request itself. */
function allUuids(rows: RequestRows): boolean {
  const { ids, idEnds, count } = rows;
  if (ids.length !== count * UUID_CHARS) return false;
  for (let row = 0; row < count; row++) {
    if (idEnds[row] !== (row + 1) * UUID_CHARS) return false;
    const start = row * UUID_CHARS;
    for (let i = 0; i < UUID_CHARS; i++) {
      const c = ids[start + i] as number;
      if (isDashAt(i) ? c !== DASH : HEX_VALUE[c] === -1) return false;
    }
  }
  return true;
}

function packUuids(ids: Uint8Array, count: number, out: Buffer, at: number): void {
  let to = at;
  for (let start = 0; start < count * UUID_CHARS; start += UUID_CHARS) {
    for (let i = 0; i < UUID_CHARS; i += 2) {
      if (isDashAt(i)) i++;
      out[to++] =
        ((HEX_VALUE[ids[start + i] as number] as number) << 4) | (HEX_VALUE[ids[start + i + 1] as number] as number);
    }
  }
}

function unpackUuids(body: Buffer, at: number, count: number): Uint8Array {
  const ids = new Uint8Array(count * UUID_CHARS);
  let from = at;
  for (let start = 0; start < ids.length; start += UUID_CHARS) {
    for (let i = 0; i < UUID_CHARS; i += 2) {
      if (isDashAt(i)) ids[start + i++] = DASH;
      const byte = body[from++] as number;
      ids[start + i] = HEX_CHAR[byte >> 4] as number;
      ids[start + i + 1] = HEX_CHAR[byte & 15] as number;
    }
  }
  return ids;
}

function checkLength(body: Buffer, expected: number, firstSeq: number): void {
  if (expected !== body.length)
    throw new Error(`request block at seq ${firstSeq}: ${body.length} bytes, not ${expected}`);
}

const align4 = (n: number) => Math.ceil(n / 4) * 4;

function bytesOf(array: Float64Array | Uint16Array | Uint32Array | Uint8Array, length: number): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, length * array.BYTES_PER_ELEMENT);
}

function slice(body: Buffer, at: number, length: number): ArrayBuffer {
  return body.buffer.slice(body.byteOffset + at, body.byteOffset + at + length) as ArrayBuffer;
}
