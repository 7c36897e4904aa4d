import type { TelemetryEntry } from "@slipway/core";
import { isSlipwayError } from "@slipway/core/errors";
import type { ApiClient } from "../client.ts";
import { serverSentEvents } from "./logs-stream.ts";

/** One request or function log line as a person reads it. */
export function formatEntry(entry: TelemetryEntry): string {
  const time = entry.at.replace("T", " ").replace("Z", "");
  if (entry.kind === "log") {
    const id = entry.requestId ? ` [${entry.requestId}]` : "";
    return `${time}  ${entry.level.toUpperCase().padEnd(5)}${id} ${entry.text}`;
  }
  const flags = [entry.coldStart ? "cold" : "", entry.cache ?? ""].filter(Boolean).join(" ");
  return `${time}  ${entry.method} ${entry.path} ${entry.status} ${entry.durationMs}ms ${entry.bytes}B ${entry.servedBy}${
    flags ? ` ${flags}` : ""
  } ${entry.requestId}`;
}

/**
 * A project's live tail: the API ends each stream after a bounded time, and a connection may
 * drop; either way it reconnects with Last-Event-ID and skips entries at or below the last seq.
 * Runs until the process is stopped (Ctrl-C) or `signal` aborts.
 */
export async function tailRuntimeLogs(
  api: ApiClient,
  path: string,
  onEntry: (entry: TelemetryEntry) => void,
  options: { retryDelayMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  let lastSeq: number | null = null;
  while (!options.signal?.aborted) {
    try {
      const body = await api.stream(path, { lastEventId: lastSeq === null ? undefined : String(lastSeq) });
      for await (const event of serverSentEvents(body)) {
        if (options.signal?.aborted) return;
        if (event.type !== "entry") continue;
        const entry = JSON.parse(event.data) as TelemetryEntry;
        if (lastSeq !== null && entry.seq <= lastSeq) continue;
        lastSeq = entry.seq;
        onEntry(entry);
      }
      continue;
    } catch (error) {
      if (isSlipwayError(error) && error.code !== "API_UNREACHABLE" && error.code !== "INTERNAL") throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000));
  }
}
