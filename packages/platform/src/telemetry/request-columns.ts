import type { ServedRequest } from "@slipway/core";
import type { RequestReport } from "@slipway/runtime";

/** Numbers per request: endedAt (epoch ms), durationMs, bytes, status. */
const NUMBERS = 4;
/** Label indexes per request: deployment, method, servedBy, cache (NO_LABEL for null), coldStart (0/1). */
const LABELS = 5;
/** Strings per request: requestId, path, client address. */
const TEXTS = 3;
const NO_LABEL = 0xffff;

/**
 * A batch of request records as it crosses to the telemetry thread: numbers and label indexes in
 * typed arrays (transferred, not copied), the few free-form strings in one flat array, and the
 * batch's distinct labels (deployment ids, methods, …) once each.
 */
export interface RequestColumnsBatch {
  readonly count: number;
  readonly numbers: Float64Array;
  readonly labels: Uint16Array;
  readonly texts: string[];
  readonly table: string[];
}

/**
 * Where the edge's request reports land on the request thread: fixed-shape slots in preallocated
 * columns, so a request costs a few array writes and no object the garbage collector must
 * follow. `take` hands the filled columns over (for transfer) and starts fresh ones.
 */
export class RequestColumns {
  readonly capacity: number;
  private count = 0;
  private numbers: Float64Array;
  private labels: Uint16Array;
  private texts: string[] = [];
  private table: string[] = [];
  private index = new Map<string, number>();

  constructor(capacity: number) {
    // Label indexes are 16-bit and NO_LABEL is reserved: at most 5 distinct labels per request.
    if (!(capacity >= 1 && capacity * LABELS < NO_LABEL)) throw new RangeError(`capacity ${capacity} out of range`);
    this.capacity = capacity;
    this.numbers = new Float64Array(capacity * NUMBERS);
    this.labels = new Uint16Array(capacity * LABELS);
  }

  get size(): number {
    return this.count;
  }

  /** False when full (the caller takes the batch first). `deploymentId` must be set. */
  append(report: RequestReport, endedAt: number): boolean {
    if (this.count === this.capacity) return false;
    const n = this.count * NUMBERS;
    this.numbers[n] = endedAt;
    this.numbers[n + 1] = report.durationMs;
    this.numbers[n + 2] = report.bytes;
    this.numbers[n + 3] = report.status;
    const l = this.count * LABELS;
    this.labels[l] = this.label(report.deploymentId ?? "");
    this.labels[l + 1] = this.label(report.method);
    this.labels[l + 2] = this.label(report.servedBy);
    this.labels[l + 3] = report.cache === null ? NO_LABEL : this.label(report.cache);
    this.labels[l + 4] = report.coldStart ? 1 : 0;
    this.texts.push(report.requestId, report.path, report.clientIp);
    this.count += 1;
    return true;
  }

  /** Rewrites the stored paths of each deployment (masking its secrets) before the batch leaves. */
  mapPaths(fn: (deploymentId: string) => (path: string) => string): void {
    const perLabel = new Map<number, (path: string) => string>();
    for (let i = 0; i < this.count; i++) {
      const label = this.labels[i * LABELS] as number;
      let map = perLabel.get(label);
      if (!map) {
        map = fn(this.table[label] as string);
        perLabel.set(label, map);
      }
      this.texts[i * TEXTS + 1] = map(this.texts[i * TEXTS + 1] as string);
    }
  }

  take(): RequestColumnsBatch {
    const batch: RequestColumnsBatch = {
      count: this.count,
      numbers: this.numbers.subarray(0, this.count * NUMBERS),
      labels: this.labels.subarray(0, this.count * LABELS),
      texts: this.texts,
      table: this.table,
    };
    // The old arrays go with the batch (their buffers are transferred, so they are not reusable).
    this.count = 0;
    this.numbers = new Float64Array(this.capacity * NUMBERS);
    this.labels = new Uint16Array(this.capacity * LABELS);
    this.texts = [];
    this.table = [];
    this.index = new Map();
    return batch;
  }

  private label(value: string): number {
    let at = this.index.get(value);
    if (at === undefined) {
      at = this.table.length;
      this.table.push(value);
      this.index.set(value, at);
    }
    return at;
  }
}

/** The batch back as the recorder's requests, in order (on the telemetry thread). */
export function* servedRequestsOf(batch: RequestColumnsBatch): Generator<ServedRequest> {
  const { numbers, labels, texts, table } = batch;
  for (let i = 0; i < batch.count; i++) {
    const n = i * NUMBERS;
    const l = i * LABELS;
    const t = i * TEXTS;
    const cache = labels[l + 3] as number;
    yield {
      requestId: texts[t] as string,
      deploymentId: table[labels[l] as number] as string,
      method: table[labels[l + 1] as number] as string,
      path: texts[t + 1] as string,
      status: numbers[n + 3] as number,
      durationMs: numbers[n + 1] as number,
      bytes: numbers[n + 2] as number,
      coldStart: labels[l + 4] === 1,
      servedBy: table[labels[l + 2] as number] as string,
      cache: cache === NO_LABEL ? null : (table[cache] as string),
      clientIp: texts[t + 2] as string,
      endedAt: numbers[n] as number,
    };
  }
}

/** The typed arrays' buffers, for postMessage's transfer list. */
export function transferablesOf(batch: RequestColumnsBatch): ArrayBuffer[] {
  return [batch.numbers.buffer as ArrayBuffer, batch.labels.buffer as ArrayBuffer];
}
