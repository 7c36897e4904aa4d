import type { TelemetryBatch } from "@slipway/core";

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
  for (const metric of batch.metrics) projectOf(metric.projectId)[3] += metric.gbSeconds;
  for (const error of batch.errors) projectOf(error.projectId)[4] += 1;
  return {
    requests: [...requests.values()],
    projects: [...projects.values()],
    functionSeconds: [...functionSeconds],
    logLines: [...logLines.values()],
  };
}
