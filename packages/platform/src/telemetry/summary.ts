import { LABEL, NUMBER, ROW_LABELS, ROW_NUMBERS, type TelemetryBatch } from "@slipway/core/telemetry";

/**
 * What the Prometheus counters need of one written batch, summed per label set: a few numbers
 * per project, however many requests the batch held. Made on the telemetry thread and posted to
 * the request thread (where the registry is served), so it is plain data.
 */
export interface TelemetrySummary {
  /** [project, status class ("2xx"), served by, count] */
  readonly requests: [string, string, string, number][];
  /** [project, cold starts, bytes out, GB-seconds, errors] */
  readonly projects: [string, number, number, number, number][];
  /** [project, seconds of each request a function answered] */
  readonly functionSeconds: [string, number[]][];
  /** [project, level, lines] */
  readonly logLines: [string, string, number][];
}

export function summarize(batch: TelemetryBatch): TelemetrySummary {
  const requests = new Map<string, [string, string, string, number]>();
  const projects = new Map<string, [string, number, number, number, number]>();
  const functionSeconds = new Map<string, number[]>();
  const logLines = new Map<string, [string, string, number]>();
  const projectOf = (project: string) => {
    let sums = projects.get(project);
    if (!sums) {
      sums = [project, 0, 0, 0, 0];
      projects.set(project, sums);
    }
    return sums;
  };
  for (const entry of batch.entries) {
    const project = entry.projectId;
    if (entry.kind === "log") {
      const key = `${project}\u0000${entry.level}`;
      const count = logLines.get(key);
      if (count) count[2] += 1;
      else logLines.set(key, [project, entry.level, 1]);
      continue;
    }
    const status = `${Math.floor(entry.status / 100)}xx`;
    const key = `${project}\u0000${status}\u0000${entry.servedBy}`;
    const count = requests.get(key);
    if (count) count[3] += 1;
    else requests.set(key, [project, status, entry.servedBy, 1]);
    const sums = projectOf(project);
    if (entry.coldStart) sums[1] += 1;
    sums[2] += entry.bytes;
    if (entry.servedBy === "function") {
      const seconds = functionSeconds.get(project);
      if (seconds) seconds.push(entry.durationMs / 1000);
      else functionSeconds.set(project, [entry.durationMs / 1000]);
    }
  }
  for (const { projectId, rows } of batch.requestRows ?? []) {
    // Counted by (served-by label, status class) as numbers, named once per distinct pair.
    // Runs of one key (most rows of a batch share it) are counted before the map is touched.
    const counts = new Map<number, number>();
    const sums = projectOf(projectId);
    const seconds = functionSeconds.get(projectId) ?? [];
    let runKey = -1;
    let run = 0;
    for (let row = 0; row < rows.count; row++) {
      const n = row * ROW_NUMBERS;
      const l = row * ROW_LABELS;
      const servedBy = rows.labels[l + LABEL.servedBy] as number;
      const key = servedBy * 10 + Math.floor((rows.numbers[n + NUMBER.status] as number) / 100);
      if (key !== runKey) {
        if (run > 0) counts.set(runKey, (counts.get(runKey) ?? 0) + run);
        runKey = key;
        run = 0;
      }
      run += 1;
      if (rows.labels[l + LABEL.coldStart] === 1) sums[1] += 1;
      sums[2] += rows.numbers[n + NUMBER.bytes] as number;
      if (rows.table[servedBy] === "function") seconds.push((rows.numbers[n + NUMBER.durationMs] as number) / 1000);
    }
    if (run > 0) counts.set(runKey, (counts.get(runKey) ?? 0) + run);
    if (seconds.length > 0) functionSeconds.set(projectId, seconds);
    for (const [key, count] of counts) {
      const servedBy = rows.table[Math.floor(key / 10)] as string;
      const status = `${key % 10}xx`;
      const id = `${projectId}\u0000${status}\u0000${servedBy}`;
      const existing = requests.get(id);
      if (existing) existing[3] += count;
      else requests.set(id, [projectId, status, servedBy, count]);
    }
  }
  for (const metric of batch.metrics) projectOf(metric.projectId)[3] += metric.gbSeconds;
  for (const error of batch.errors) projectOf(error.projectId)[4] += 1;
  return {
    requests: [...requests.values()],
    projects: [...projects.values()],
    functionSeconds: [...functionSeconds],
    logLines: [...logLines.values()],
  };
}
