import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutRetentionPolicyCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { SITE_TAG } from "../cost/tags.ts";

/** The retentions CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653] as const;
export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];
export const DEFAULT_LOG_RETENTION_DAYS: LogRetentionDays = 30;

/**
 * Makes the site's log group before its first function writes to it, with a retention: Lambda
 * would create a missing one itself, but one that never expires (CloudWatch then bills its storage
 * forever). Idempotent: a group that exists is kept, its retention set again.
 */
export async function ensureSiteLogGroup(
  logs: CloudWatchLogsClient,
  input: { name: string; siteId: string; retentionDays: LogRetentionDays },
): Promise<void> {
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: input.name, tags: { [SITE_TAG]: input.siteId } }));
  } catch (error) {
    if ((error as { name?: string } | null)?.name !== "ResourceAlreadyExistsException") throw error;
  }
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: input.name, retentionInDays: input.retentionDays }));
}
