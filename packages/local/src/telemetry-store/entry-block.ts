import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { LogLevel, NewTelemetryEntry, TelemetryEntry } from "@slipway/core/telemetry";

/**
 * A block: the entries of one project from one write, stored as one row. Columns instead of an
 * object per entry, repeated strings (deployment, time, method, path, address, …) once in a
 * dictionary, the whole deflated: one insert and one small compression per batch instead of an
 * insert and a JSON body per entry (issue 13: the per-row write was most of logging's cost).
 */
interface BlockColumns {
  /** Seq of each entry minus the one before (the first minus the block's first seq, so 0). */
  readonly seq: number[];
  /** Strings used more than once per block are indexes into it; see `str`. */
  readonly dict: string[];
  /** 0: request entry, 1: log line. */
  readonly kind: number[];
  readonly deployment: number[];
  readonly at: number[];
  /** Request id, or -1 (a log line outside any request). */
  readonly requestId: number[];
  // Request entries' fields (0 / -1 on log lines).
  readonly method: number[];
  readonly path: number[];
  readonly status: number[];
  readonly durationMs: number[];
  readonly bytes: number[];
  readonly coldStart: number[];
  readonly servedBy: number[];
  /** -1: null (the cache was not asked). */
  readonly cache: number[];
  readonly clientIp: number[];
  // Log lines' fields (-1 on request entries).
  readonly level: number[];
  readonly text: number[];
}

/** What a block row holds beside its body: what queries select blocks by before decoding any. */
export interface BlockSummary {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
  readonly minAt: string;
  readonly maxAt: string;
  /** Bit 1: holds request entries; bit 2: holds log lines. */
  readonly kinds: number;
  /** Status range of its request entries, null without any. */
  readonly minStatus: number | null;
  readonly maxStatus: number | null;
}

export const KIND_BITS = { request: 1, log: 2 } as const;

/** Entries of one project and their seqs (ascending) → the block's summary and its body. */
export function encodeBlock(
  entries: readonly NewTelemetryEntry[],
  seqs: readonly number[],
): { summary: BlockSummary; body: Buffer } {
  const dict: string[] = [];
  const index = new Map<string, number>();
  const str = (value: string): number => {
    let i = index.get(value);
    if (i === undefined) {
      i = dict.length;
      dict.push(value);
      index.set(value, i);
    }
    return i;
  };
  const cols: BlockColumns = {
    seq: [],
    dict,
    kind: [],
    deployment: [],
    at: [],
    requestId: [],
    method: [],
    path: [],
    status: [],
    durationMs: [],
    bytes: [],
    coldStart: [],
    servedBy: [],
    cache: [],
    clientIp: [],
    level: [],
    text: [],
  };
  const first = entries[0];
  const firstSeq = seqs[0];
  if (!first || firstSeq === undefined || seqs.length !== entries.length)
    throw new Error("encodeBlock: no entries, or not one seq per entry");
  let previousSeq = firstSeq;
  let minAt = first.at;
  let maxAt = first.at;
  let kinds = 0;
  let minStatus: number | null = null;
  let maxStatus: number | null = null;
  for (let n = 0; n < entries.length; n++) {
    const e = entries[n] as NewTelemetryEntry;
    const seq = seqs[n] as number;
    cols.seq.push(seq - previousSeq);
    previousSeq = seq;
    cols.deployment.push(str(e.deploymentId));
    cols.at.push(str(e.at));
    if (e.at < minAt) minAt = e.at;
    if (e.at > maxAt) maxAt = e.at;
    if (e.kind === "request") {
      kinds |= KIND_BITS.request;
      if (minStatus === null || e.status < minStatus) minStatus = e.status;
      if (maxStatus === null || e.status > maxStatus) maxStatus = e.status;
      cols.kind.push(0);
      cols.requestId.push(str(e.requestId));
      cols.method.push(str(e.method));
      cols.path.push(str(e.path));
      cols.status.push(e.status);
      cols.durationMs.push(e.durationMs);
      cols.bytes.push(e.bytes);
      cols.coldStart.push(e.coldStart ? 1 : 0);
      cols.servedBy.push(str(e.servedBy));
      cols.cache.push(e.cache === null ? -1 : str(e.cache));
      cols.clientIp.push(str(e.clientIp));
      cols.level.push(-1);
      cols.text.push(-1);
    } else {
      kinds |= KIND_BITS.log;
      cols.kind.push(1);
      cols.requestId.push(e.requestId === null ? -1 : str(e.requestId));
      cols.method.push(-1);
      cols.path.push(-1);
      cols.status.push(0);
      cols.durationMs.push(0);
      cols.bytes.push(0);
      cols.coldStart.push(0);
      cols.servedBy.push(-1);
      cols.cache.push(-1);
      cols.clientIp.push(-1);
      cols.level.push(str(e.level));
      cols.text.push(str(e.text));
    }
  }
  // Level 1: most of the size for a fraction of the CPU of the default (this runs per batch).
  const body = deflateRawSync(JSON.stringify(cols), { level: 1 });
  return {
    summary: {
      firstSeq,
      lastSeq: previousSeq,
      count: entries.length,
      minAt,
      maxAt,
      kinds,
      minStatus,
      maxStatus,
    },
    body,
  };
}

/** A block's entries, seqs ascending, each as the store returns it. */
export function decodeBlock(projectId: string, firstSeq: number, body: Buffer): TelemetryEntry[] {
  const cols = JSON.parse(inflateRawSync(body).toString("utf8")) as BlockColumns;
  const d = cols.dict;
  const s = (i: number | undefined): string => d[i ?? -1] as string;
  const out: TelemetryEntry[] = [];
  let seq = firstSeq;
  for (let i = 0; i < cols.kind.length; i++) {
    seq += cols.seq[i] ?? 0;
    const requestId = cols.requestId[i] ?? -1;
    if (cols.kind[i] === 0) {
      const cache = cols.cache[i] ?? -1;
      out.push({
        kind: "request",
        seq,
        at: s(cols.at[i]),
        projectId,
        deploymentId: s(cols.deployment[i]),
        requestId: s(requestId),
        method: s(cols.method[i]),
        path: s(cols.path[i]),
        status: cols.status[i] ?? 0,
        durationMs: cols.durationMs[i] ?? 0,
        bytes: cols.bytes[i] ?? 0,
        coldStart: cols.coldStart[i] === 1,
        servedBy: s(cols.servedBy[i]),
        cache: cache < 0 ? null : s(cache),
        clientIp: s(cols.clientIp[i]),
      });
    } else {
      out.push({
        kind: "log",
        seq,
        at: s(cols.at[i]),
        projectId,
        deploymentId: s(cols.deployment[i]),
        requestId: requestId < 0 ? null : s(requestId),
        level: s(cols.level[i]) as LogLevel,
        text: s(cols.text[i]),
      });
    }
  }
  return out;
}
