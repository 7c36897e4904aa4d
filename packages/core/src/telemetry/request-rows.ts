import { createIsoFormatter } from "./iso-time.ts";
import type { RequestEntry } from "./model.ts";

/**
 * Request records as columns, one row per request: what the edge's request thread fills (a few
 * typed-array writes per request), hands over to the telemetry thread (buffers transferred, not
 * copied) and what the store writes as it is. Logging a request builds no object per request on
 * any thread (issue 13: logging on must keep ≥ 95 % of the edge's throughput).
 */
export interface RequestRows {
  readonly count: number;
  /** ROW_NUMBERS per row: see NUMBER. */
  readonly numbers: Float64Array;
  /** ROW_LABELS per row: indexes into `table` (see LABEL), NO_LABEL for none. */
  readonly labels: Uint16Array;
  /** The distinct strings the rows' labels point at. */
  readonly table: readonly string[];
  /**
   * The rows' request ids, concatenated, one byte per character (ids are ASCII: the edge keeps a
   * caller's only when it is, see requestIdOf); `idEnds[i]` is where row i's ends. Bytes, not a
   * string: the buffer is transferred with the others, where a string is cloned, and the id
   * strings die young on the request thread instead of living until the batch leaves.
   */
  readonly ids: Uint8Array;
  readonly idEnds: Uint32Array;
}

/** One project's rows, as a batch hands them to the store. */
export interface ProjectRequestRows {
  readonly projectId: string;
  readonly rows: RequestRows;
}

export const ROW_NUMBERS = 4;
export const NUMBER = { endedAt: 0, durationMs: 1, bytes: 2, status: 3 } as const;
export const ROW_LABELS = 7;
/** `coldStart` holds 0 or 1 itself, not a table index. */
export const LABEL = { deployment: 0, method: 1, servedBy: 2, cache: 3, coldStart: 4, path: 5, clientIp: 6 } as const;
export const NO_LABEL = 0xffff;

/** Row `row`'s request id as its bytes in `rows.ids`. */
function idBytesAt(rows: RequestRows, row: number): Uint8Array {
  return rows.ids.subarray(row === 0 ? 0 : rows.idEnds[row - 1], rows.idEnds[row]);
}

export function requestIdAt(rows: RequestRows, row: number): string {
  return String.fromCharCode(...idBytesAt(rows, row));
}

/**
 * Writes an ASCII id at `at` of `bytes`, returning where it ends. A loop, not TextEncoder: for
 * ids of a few dozen characters, the call into C++ costs more than the copy.
 */
export function writeRequestId(bytes: Uint8Array, at: number, id: string): number {
  for (let i = 0; i < id.length; i++) bytes[at + i] = id.charCodeAt(i);
  return at + id.length;
}

/** The rows at `indexes`, in that order, as rows of their own (same table). */
export function selectRows(rows: RequestRows, indexes: readonly number[]): RequestRows {
  const numbers = new Float64Array(indexes.length * ROW_NUMBERS);
  const labels = new Uint16Array(indexes.length * ROW_LABELS);
  const idEnds = new Uint32Array(indexes.length);
  const ids = new Uint8Array(rows.ids.length);
  let end = 0;
  indexes.forEach((row, i) => {
    numbers.set(rows.numbers.subarray(row * ROW_NUMBERS, (row + 1) * ROW_NUMBERS), i * ROW_NUMBERS);
    labels.set(rows.labels.subarray(row * ROW_LABELS, (row + 1) * ROW_LABELS), i * ROW_LABELS);
    const id = idBytesAt(rows, row);
    ids.set(id, end);
    end += id.length;
    idEnds[i] = end;
  });
  return { count: indexes.length, numbers, labels, table: rows.table, ids: ids.subarray(0, end), idEnds };
}

/** Rows `from` to `to` (exclusive), sharing this batch's buffers and table. */
export function sliceRows(rows: RequestRows, from: number, to: number): RequestRows {
  const idStart = from === 0 ? 0 : (rows.idEnds[from - 1] as number);
  return {
    count: to - from,
    numbers: rows.numbers.subarray(from * ROW_NUMBERS, to * ROW_NUMBERS),
    labels: rows.labels.subarray(from * ROW_LABELS, to * ROW_LABELS),
    table: rows.table,
    ids: rows.ids.subarray(idStart, rows.idEnds[to - 1]),
    idEnds: rows.idEnds.slice(from, to).map((end) => end - idStart),
  };
}

/**
 * Blanks the table's strings no row points at any more: a label remapped to its masked form
 * (a path without its secret, an address without its last octet) must not travel or be stored
 * in its raw form.
 */
export function blankUnreferenced(table: string[], labels: Uint16Array, count: number): void {
  const used = new Uint8Array(table.length);
  for (let i = 0; i < count * ROW_LABELS; i += ROW_LABELS) {
    for (let slot = 0; slot < ROW_LABELS; slot++) {
      if (slot === LABEL.coldStart) continue;
      const at = labels[i + slot] as number;
      if (at !== NO_LABEL) used[at] = 1;
    }
  }
  for (let at = 0; at < table.length; at++) if (used[at] === 0) table[at] = "";
}

/**
 * Rewrites one label slot of every row through `map` (called once per distinct string), for
 * masking: changed strings are added to the table and the rows pointed at them; the raw ones
 * stay in the table until blankUnreferenced. True when some string changed (else there is
 * nothing raw to blank).
 */
export function mapLabel(
  table: string[],
  labels: Uint16Array,
  count: number,
  slot: number,
  map: (value: string, row: number) => string,
  keyOf: (row: number) => number = () => 0,
): boolean {
  const mapped = new Map<number, number>();
  let changed = false;
  // Consecutive rows mostly share a key (one client, one page): the row before's answer is taken.
  let lastKey = -1;
  let lastTo = 0;
  for (let row = 0; row < count; row++) {
    const at = row * ROW_LABELS + slot;
    const raw = labels[at] as number;
    if (raw === NO_LABEL) continue;
    // Key: the raw label and whatever else the mapping depends on (the deployment's secrets).
    const key = keyOf(row) * 0x10000 + raw;
    if (key !== lastKey) {
      let to = mapped.get(key);
      if (to === undefined) {
        const value = map(table[raw] as string, row);
        to = value === table[raw] ? raw : table.push(value) - 1;
        if (to !== raw) changed = true;
        mapped.set(key, to);
      }
      lastKey = key;
      lastTo = to;
    }
    labels[at] = lastTo;
  }
  return changed;
}

/**
 * Rewrites every row's path through its deployment's map (made once per deployment, called once
 * per distinct path and deployment), then blanks the raw paths no row points at any more (when
 * some path changed). True when some path changed.
 */
export function mapPathsByDeployment(
  table: string[],
  labels: Uint16Array,
  count: number,
  mapOf: (deploymentId: string) => (path: string) => string,
): boolean {
  const maps = new Map<number, (path: string) => string>();
  const deploymentAt = (row: number) => labels[row * ROW_LABELS + LABEL.deployment] as number;
  const changed = mapLabel(
    table,
    labels,
    count,
    LABEL.path,
    (path, row) => {
      const deployment = deploymentAt(row);
      let map = maps.get(deployment);
      if (!map) {
        map = mapOf(table[deployment] as string);
        maps.set(deployment, map);
      }
      return map(path);
    },
    deploymentAt,
  );
  if (changed) blankUnreferenced(table, labels, count);
  return changed;
}

/** The rows as the store returns them: seqs from `firstSeq` up, in row order. */
export function requestEntriesOf(projectId: string, firstSeq: number, rows: RequestRows): RequestEntry[] {
  const { numbers, labels, table } = rows;
  const iso = createIsoFormatter();
  const out: RequestEntry[] = [];
  for (let row = 0; row < rows.count; row++) {
    const n = row * ROW_NUMBERS;
    const l = row * ROW_LABELS;
    const cache = labels[l + LABEL.cache] as number;
    out.push({
      kind: "request",
      seq: firstSeq + row,
      at: iso(numbers[n + NUMBER.endedAt] as number),
      projectId,
      deploymentId: table[labels[l + LABEL.deployment] as number] as string,
      requestId: requestIdAt(rows, row),
      method: table[labels[l + LABEL.method] as number] as string,
      path: table[labels[l + LABEL.path] as number] as string,
      status: numbers[n + NUMBER.status] as number,
      durationMs: numbers[n + NUMBER.durationMs] as number,
      bytes: numbers[n + NUMBER.bytes] as number,
      coldStart: labels[l + LABEL.coldStart] === 1,
      servedBy: table[labels[l + LABEL.servedBy] as number] as string,
      cache: cache === NO_LABEL ? null : (table[cache] as string),
      clientIp: table[labels[l + LABEL.clientIp] as number] as string,
    });
  }
  return out;
}
