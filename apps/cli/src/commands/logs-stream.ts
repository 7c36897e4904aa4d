import { isSlipwayError, SlipwayError } from "@slipway/core/errors";
import type { ApiClient } from "../client.ts";

interface StreamedLine {
  seq: number;
  stream: string;
  text: string;
}

export interface FollowResult {
  status: string;
  statusReason: string | null;
}

export interface FollowOptions {
  /** Wait between attempts after a failed connection (the platform restarting). */
  retryDelayMs?: number;
  /** Failed connections in a row before giving up. */
  maxFailures?: number;
}

/**
 * Follows a deployment's build log over Server-Sent Events, calling `onLine` once per line, in
 * order. Resolves with the final status from the `end` event. The API ends each stream after a
 * bounded time (a request limit) and a connection may drop (the platform restarted): either way
 * it reconnects with `Last-Event-ID` set to the last seq it got, and drops any line at or below
 * it. Seqs only grow but may skip values, so "after the last one seen" is the only safe cursor.
 */
export async function followLogs(
  api: ApiClient,
  deploymentId: string,
  onLine: (line: StreamedLine) => void,
  options: FollowOptions = {},
): Promise<FollowResult> {
  const { retryDelayMs = 1000, maxFailures = 60 } = options;
  const path = `/api/v1/deployments/${encodeURIComponent(deploymentId)}/logs?follow=1`;
  let lastSeq: number | null = null;
  let failures = 0;
  for (;;) {
    try {
      const body = await api.stream(path, { lastEventId: lastSeq === null ? undefined : String(lastSeq) });
      for await (const event of serverSentEvents(body)) {
        if (event.type === "log") {
          const line = JSON.parse(event.data) as StreamedLine;
          if (lastSeq !== null && line.seq <= lastSeq) continue;
          lastSeq = line.seq;
          onLine(line);
        } else if (event.type === "end") {
          return JSON.parse(event.data) as FollowResult;
        }
      }
      // The API closed the stream on time, before the end: resume at once.
      failures = 0;
      continue;
    } catch (error) {
      // The API answered with an error of its own (not found, unauthorized): retrying cannot help.
      if (isSlipwayError(error) && error.code !== "API_UNREACHABLE" && error.code !== "INTERNAL") throw error;
      failures++;
      if (failures >= maxFailures) {
        throw new SlipwayError(
          "API_UNREACHABLE",
          `Lost the log stream of ${deploymentId} after ${failures} failed attempts: ${(error as Error).message}`,
          `Check that the platform is up, then run \`slipway logs ${deploymentId} --follow\`.`,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
}

interface ServerSentEvent {
  type: string;
  data: string;
}

/** The events of a text/event-stream body, as they arrive. */
export async function* serverSentEvents(body: AsyncIterable<string>): AsyncGenerator<ServerSentEvent> {
  let buffer = "";
  for await (const chunk of body) {
    buffer += chunk.replace(/\r\n?/g, "\n");
    let boundary = buffer.indexOf("\n\n");
    while (boundary !== -1) {
      yield parseEvent(buffer.slice(0, boundary));
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf("\n\n");
    }
  }
}

function parseEvent(block: string): ServerSentEvent {
  let type = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return { type, data: data.join("\n") };
}
