import type { ApiClient } from "../client.ts";

interface StreamedLine {
  seq: number;
  stream: string;
  text: string;
}

/**
 * Follows a deployment's build log over Server-Sent Events, calling `onLine` for each line.
 * Resolves with the final status from the `end` event; reconnects from the last seq if the
 * connection drops (e.g. the platform restarted).
 */
export async function followLogs(
  api: ApiClient,
  deploymentId: string,
  onLine: (line: StreamedLine) => void,
): Promise<{ status: string; statusReason: string | null }> {
  let after = 0;
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      const response = await api.stream(`/api/v1/deployments/${deploymentId}/logs?follow=1&after=${after}`);
      const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
      if (!reader) throw new Error("no body");
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let boundary = buffer.indexOf("\n\n");
        while (boundary !== -1) {
          const event = parseEvent(buffer.slice(0, boundary));
          buffer = buffer.slice(boundary + 2);
          if (event.type === "log") {
            const line = JSON.parse(event.data) as StreamedLine;
            after = line.seq;
            onLine(line);
          } else if (event.type === "end") {
            return JSON.parse(event.data);
          }
          boundary = buffer.indexOf("\n\n");
        }
      }
    } catch (error) {
      if ((error as { code?: string }).code === "DEPLOYMENT_NOT_FOUND") throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`Lost the log stream of ${deploymentId}`);
}

function parseEvent(block: string): { type: string; data: string } {
  let type = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) type = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  return { type, data: data.join("\n") };
}
