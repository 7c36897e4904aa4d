import type { Masker } from "../domain/mask.ts";
import { LATENCY_BUCKETS, latencyBucket } from "./latency-histogram.ts";
import type { ErrorEvent, MetricDelta } from "./model.ts";
import {
  blankUnreferenced,
  LABEL,
  mapLabel,
  mapPathsByDeployment,
  NUMBER,
  type ProjectRequestRows,
  type RequestRows,
  ROW_LABELS,
  ROW_NUMBERS,
  requestIdAt,
  selectRows,
} from "./request-rows.ts";

/** Stored paths are cut here (as the recorder cuts those of single requests). */
export const MAX_PATH = 2048;

/** A minute's sums while a batch is built (the batch hands them out read-only). */
export type MinuteSums = { -readonly [K in keyof MetricDelta]: MetricDelta[K] } & { latency: Record<string, number> };

export interface RowsRecording {
  /** Projects of the deployments in the batch, resolved beforehand (null: unknown, dropped). */
  readonly projectOf: (deploymentId: string) => string | null;
  readonly maskerOf?: (deploymentId: string) => Masker;
  readonly maskIp?: (raw: string) => string;
  /** GB-seconds per ms a function ran. */
  readonly gbPerMs: number;
  /** The minute's sums of a deployment in the batch being built (made on first use). */
  readonly sumsOf: (projectId: string, deploymentId: string, start: number) => MinuteSums;
  /** True for a request whose exception was recorded already (its 5xx is that error). */
  readonly excepted: (requestId: string) => boolean;
  readonly iso: (ms: number) => string;
}

/**
 * The recorder's work on a batch of request rows, in one pass over the columns: masks paths and
 * client addresses per distinct value (not per row), sums each deployment's minute, records 5xx
 * answers as errors, and splits the rows by project for the store. Rows of unknown deployments
 * are left out and counted.
 */
export function recordRows(
  rows: RequestRows,
  recording: RowsRecording,
): { projectRows: ProjectRequestRows[]; errors: ErrorEvent[]; unknown: number } {
  const table = [...rows.table];
  const { numbers, labels, count } = rows;
  const { maskerOf, maskIp } = recording;
  mapPathsByDeployment(table, labels, count, (deploymentId) => {
    const hide = maskerOf?.(deploymentId);
    return (path) => (hide ? hide(path) : path).slice(0, MAX_PATH);
  });
  if (maskIp && mapLabel(table, labels, count, LABEL.clientIp, maskIp)) blankUnreferenced(table, labels, count);
  const masked: RequestRows = { ...rows, table };

  const errors: ErrorEvent[] = [];
  const projectOfLabel = new Map<number, string | null>();
  // Each row's project, as an index into `projects` (-1: unknown): the rows are split by project
  // after the pass, and not at all in the usual batch of one project.
  const projects: string[] = [];
  const projectOfRow = new Int32Array(count);
  let unknown = 0;
  let lastLabel = -1;
  let lastProject: string | null = null;
  let lastProjectAt = -1;
  let sums: MinuteSums | null = null;
  // Latency counted per bucket in typed arrays, added to the sums' histograms once at the end.
  const bucketsOf = new Map<MinuteSums, Uint32Array>();
  let buckets: Uint32Array | undefined;
  for (let row = 0; row < count; row++) {
    const n = row * ROW_NUMBERS;
    const l = row * ROW_LABELS;
    const label = labels[l + LABEL.deployment] as number;
    if (label !== lastLabel) {
      lastLabel = label;
      let projectId = projectOfLabel.get(label);
      if (projectId === undefined) {
        projectId = recording.projectOf(table[label] as string);
        projectOfLabel.set(label, projectId);
      }
      lastProject = projectId;
      lastProjectAt = projectId === null ? -1 : projects.indexOf(projectId);
      if (projectId !== null && lastProjectAt === -1) lastProjectAt = projects.push(projectId) - 1;
      sums = null;
    }
    const projectId = lastProject;
    projectOfRow[row] = lastProjectAt;
    if (projectId === null) {
      unknown += 1;
      continue;
    }
    const endedAt = numbers[n + NUMBER.endedAt] as number;
    const durationMs = numbers[n + NUMBER.durationMs] as number;
    const status = numbers[n + NUMBER.status] as number;
    const start = Math.floor(endedAt / 60_000) * 60_000;
    if (!sums || sums.start !== start) {
      sums = recording.sumsOf(projectId, table[label] as string, start);
      buckets = bucketsOf.get(sums);
      if (!buckets) {
        buckets = new Uint32Array(LATENCY_BUCKETS);
        bucketsOf.set(sums, buckets);
      }
    }
    const failed = status >= 500;
    const servedBy = table[labels[l + LABEL.servedBy] as number];
    sums.requests += 1;
    if (failed) sums.errors += 1;
    if (labels[l + LABEL.coldStart] === 1) sums.coldStarts += 1;
    if (servedBy === "function" || servedBy === "image") {
      sums.gbSeconds += recording.gbPerMs * durationMs;
      sums.invocations += 1;
    }
    sums.bytesOut += numbers[n + NUMBER.bytes] as number;
    const bucket = latencyBucket(durationMs);
    (buckets as Uint32Array)[bucket] = ((buckets as Uint32Array)[bucket] as number) + 1;
    // Error events are the rare case: their strings are built only here.
    if (failed) {
      const requestId = requestIdAt(rows, row);
      if (!recording.excepted(requestId)) {
        const method = table[labels[l + LABEL.method] as number] as string;
        const path = table[labels[l + LABEL.path] as number] as string;
        errors.push({
          at: recording.iso(endedAt),
          projectId,
          deploymentId: table[label] as string,
          requestId,
          message: `HTTP ${status} ${method} ${path.split("?")[0] ?? path}`,
          stack: null,
        });
      }
    }
  }
  for (const [minute, counts] of bucketsOf)
    counts.forEach((n, bucket) => {
      if (n > 0) minute.latency[bucket] = (minute.latency[bucket] ?? 0) + n;
    });
  // Mostly one project per batch: then the rows go to the store as they came.
  const projectRows =
    projects.length === 1 && unknown === 0
      ? [{ projectId: projects[0] as string, rows: masked }]
      : projects.map((projectId, at) => {
          const indexes: number[] = [];
          for (let row = 0; row < count; row++) if (projectOfRow[row] === at) indexes.push(row);
          return { projectId, rows: selectRows(masked, indexes) };
        });
  return { projectRows, errors, unknown };
}
