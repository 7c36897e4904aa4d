import {
  LABEL,
  mapPathsByDeployment,
  NO_LABEL,
  NUMBER,
  type RequestRows,
  ROW_LABELS,
  ROW_NUMBERS,
  writeRequestId,
} from "@slipway/core/telemetry";
import type { RequestReport } from "@slipway/runtime";

/** Sets of buffers kept for reuse: one batch being filled, one in the thread, one spare. */
const MAX_SPENT = 2;
/** Bytes of request ids per row to start with: a UUID's 36 and some. The buffer grows for longer. */
const ID_BYTES_PER_ROW = 40;
/** The longest id the edge keeps (requestIdOf): room for one more is made before each append. */
const MAX_ID = 128;

/**
 * Where the edge's request reports land on the request thread: fixed-shape slots in preallocated
 * columns (core's RequestRows), so a request costs a few array writes and no object the garbage
 * collector must follow. `take` hands the filled rows over (their buffers are transferred to the
 * telemetry thread, and the store writes them as they are) and starts fresh ones.
 */
export class RequestColumns {
  readonly capacity: number;
  private count = 0;
  private numbers: Float64Array;
  private labels: Uint16Array;
  private idEnds: Uint32Array;
  private ids: Uint8Array;
  private idEnd = 0;
  private table: string[] = [];
  private index = new Map<string, number>();
  /** Each label slot's value in the row before (null: none, or its index may have changed). */
  private previous: (string | null)[] = new Array(ROW_LABELS).fill(null);
  private spent: Array<[ArrayBuffer, ArrayBuffer, ArrayBuffer, ArrayBuffer]> = [];

  constructor(capacity: number) {
    // Label indexes are 16-bit and NO_LABEL is reserved: a row adds at most ROW_LABELS - 1 labels,
    // and masking its path and its address one more each.
    if (!(capacity >= 1 && capacity * (ROW_LABELS + 1) < NO_LABEL))
      throw new RangeError(`capacity ${capacity} out of range`);
    this.capacity = capacity;
    this.numbers = new Float64Array(capacity * ROW_NUMBERS);
    this.labels = new Uint16Array(capacity * ROW_LABELS);
    this.idEnds = new Uint32Array(capacity);
    this.ids = new Uint8Array(capacity * ID_BYTES_PER_ROW);
  }

  get size(): number {
    return this.count;
  }

  /** False when full (the caller takes the batch first). `deploymentId` must be set. */
  append(report: RequestReport, endedAt: number): boolean {
    if (this.count === this.capacity) return false;
    const n = this.count * ROW_NUMBERS;
    this.numbers[n + NUMBER.endedAt] = endedAt;
    this.numbers[n + NUMBER.durationMs] = report.durationMs;
    this.numbers[n + NUMBER.bytes] = report.bytes;
    this.numbers[n + NUMBER.status] = report.status;
    const l = this.count * ROW_LABELS;
    this.labels[l + LABEL.deployment] = this.label(LABEL.deployment, report.deploymentId ?? "", l);
    this.labels[l + LABEL.method] = this.label(LABEL.method, report.method, l);
    this.labels[l + LABEL.servedBy] = this.label(LABEL.servedBy, report.servedBy, l);
    this.labels[l + LABEL.cache] =
      report.cache === null ? this.noLabel(LABEL.cache) : this.label(LABEL.cache, report.cache, l);
    this.labels[l + LABEL.coldStart] = report.coldStart ? 1 : 0;
    this.labels[l + LABEL.path] = this.label(LABEL.path, report.path, l);
    this.labels[l + LABEL.clientIp] = this.label(LABEL.clientIp, report.clientIp, l);
    if (this.idEnd + MAX_ID > this.ids.length) this.growIds();
    this.idEnd = writeRequestId(this.ids, this.idEnd, report.requestId.slice(0, MAX_ID));
    this.idEnds[this.count] = this.idEnd;
    this.count += 1;
    return true;
  }

  /**
   * Rewrites the stored paths of each deployment (masking its secrets) before the batch leaves:
   * once per distinct path and deployment, and the unmasked ones do not travel.
   */
  mapPaths(fn: (deploymentId: string) => (path: string) => string): void {
    mapPathsByDeployment(this.table, this.labels, this.count, fn);
    // Blanked strings must not be found again by requests appended after this, nor the last
    // row's labels reused (they point at masked strings now).
    this.index = new Map(this.table.map((value, at) => [value, at]));
    this.previous.fill(null);
  }

  take(): RequestRows {
    const rows: RequestRows = {
      count: this.count,
      numbers: this.numbers.subarray(0, this.count * ROW_NUMBERS),
      labels: this.labels.subarray(0, this.count * ROW_LABELS),
      table: this.table,
      ids: this.ids.subarray(0, this.idEnd),
      idEnds: this.idEnds.subarray(0, this.count),
    };
    // The old arrays go with the batch (their buffers are transferred): the next ones are the
    // buffers of a batch the thread has written, when one came back, else new.
    const [numbers, labels, idEnds, ids] = this.spent.pop() ?? [];
    this.count = 0;
    this.numbers = numbers ? new Float64Array(numbers) : new Float64Array(this.capacity * ROW_NUMBERS);
    this.labels = labels ? new Uint16Array(labels) : new Uint16Array(this.capacity * ROW_LABELS);
    this.idEnds = idEnds ? new Uint32Array(idEnds) : new Uint32Array(this.capacity);
    this.ids = ids ? new Uint8Array(ids) : new Uint8Array(this.capacity * ID_BYTES_PER_ROW);
    this.idEnd = 0;
    this.table = [];
    this.index = new Map();
    this.previous.fill(null);
    return rows;
  }

  /**
   * Takes back the buffers of a written batch (as transferablesOf listed them), to fill again:
   * a few sets at most, and only buffers of this capacity (anything else is left to the GC).
   */
  recycle(buffers: ArrayBuffer[]): void {
    const [numbers, labels, idEnds, ids] = buffers;
    const fits =
      numbers?.byteLength === this.capacity * ROW_NUMBERS * 8 &&
      labels?.byteLength === this.capacity * ROW_LABELS * 2 &&
      idEnds?.byteLength === this.capacity * 4 &&
      ids !== undefined &&
      ids.byteLength >= this.capacity * ID_BYTES_PER_ROW;
    if (fits && this.spent.length < MAX_SPENT) this.spent.push([numbers, labels, idEnds, ids]);
  }

  /** Twice the room for ids (callers' own ids can be up to MAX_ID long). */
  private growIds(): void {
    const grown = new Uint8Array(this.ids.length * 2);
    grown.set(this.ids.subarray(0, this.idEnd));
    this.ids = grown;
  }

  /** No label in slot `slot`: the next row's value must not be taken for this row's. */
  private noLabel(slot: number): number {
    this.previous[slot] = null;
    return NO_LABEL;
  }

  /**
   * The table index of `value` in label slot `slot` of the row at `l`. Consecutive requests mostly
   * share a slot's value (the same deployment, method, client): then the row before's index is
   * taken as it is, without hashing the string for the map.
   */
  private label(slot: number, value: string, l: number): number {
    if (value === this.previous[slot]) return this.labels[l - ROW_LABELS + slot] as number;
    this.previous[slot] = value;
    let at = this.index.get(value);
    if (at === undefined) {
      at = this.table.length;
      this.table.push(value);
      this.index.set(value, at);
    }
    return at;
  }
}

/** The typed arrays' buffers, for postMessage's transfer list. */
export function transferablesOf(rows: RequestRows): ArrayBuffer[] {
  return [
    rows.numbers.buffer as ArrayBuffer,
    rows.labels.buffer as ArrayBuffer,
    rows.idEnds.buffer as ArrayBuffer,
    rows.ids.buffer as ArrayBuffer,
  ];
}
