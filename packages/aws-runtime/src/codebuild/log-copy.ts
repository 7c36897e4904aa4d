import {
  CloudWatchLogsClient,
  type CloudWatchLogsClientConfig,
  GetLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Build } from "@aws-sdk/client-codebuild";
import type { BlobStore, LogLine, LogStore } from "@slipway/core";
import { parseLogLine } from "../codebuild-runner/log-lines.ts";

export interface BuildLogCopyOptions {
  /** The SDK client's config (the steps role may read the build project's log group). */
  readonly client: CloudWatchLogsClientConfig;
  /** The deployments' logs (on AWS the table's LogStore, which `slipway logs` and the API read). */
  readonly logs: LogStore;
  /** Where each build's read position is kept (beside its request). */
  readonly cursors: BlobStore;
  /** Pages (up to 10,000 events each) read per call, so one poll stays short. @default 5 */
  readonly maxPages?: number;
}

const cursorKey = (deploymentId: string) => `build-requests/${deploymentId}/log-cursor.json`;

/**
 * Copies a CodeBuild build's log lines into the LogStore. The build cannot write the LogStore
 * itself: it holds no credentials for the table (it runs the user's scripts), and a presigned URL
 * cannot write DynamoDB. So it prints its lines to stdout, CodeBuild puts them in the project's
 * log group, and each watch poll copies what is new, from the position it kept (CloudWatch's
 * forward token). Only the builder's marked lines are taken, never CodeBuild's own.
 */
export function createBuildLogCopy(options: BuildLogCopyOptions) {
  const client = new CloudWatchLogsClient(options.client);
  return async function copyBuildLog(deploymentId: string, build: Build): Promise<number> {
    const logGroupName = build.logs?.groupName;
    const logStreamName = build.logs?.streamName;
    if (!logGroupName || !logStreamName) return 0;
    let nextToken = await readCursor(options.cursors, deploymentId);
    let copied = 0;
    for (let page = 0; page < (options.maxPages ?? 5); page++) {
      const answer = await client.send(
        new GetLogEventsCommand({
          logGroupName,
          logStreamName,
          startFromHead: true,
          nextToken: nextToken ?? undefined,
        }),
      );
      const lines: Array<Omit<LogLine, "seq">> = [];
      for (const event of answer.events ?? []) {
        const line = parseLogLine(event.message?.replace(/\n$/, "") ?? "");
        if (line) lines.push(line);
      }
      if (lines.length > 0) await options.logs.append(deploymentId, lines);
      copied += lines.length;
      // CloudWatch answers the same forward token at the end of the stream.
      const reachedEnd = !answer.nextForwardToken || answer.nextForwardToken === nextToken;
      nextToken = answer.nextForwardToken ?? nextToken;
      if (reachedEnd) break;
    }
    if (nextToken) await options.cursors.put(cursorKey(deploymentId), Buffer.from(JSON.stringify({ nextToken })));
    return copied;
  };
}

async function readCursor(blobs: BlobStore, deploymentId: string): Promise<string | null> {
  const stream = await blobs.get(cursorKey(deploymentId));
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  try {
    const { nextToken } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { nextToken?: unknown };
    return typeof nextToken === "string" ? nextToken : null;
  } catch {
    return null;
  }
}
