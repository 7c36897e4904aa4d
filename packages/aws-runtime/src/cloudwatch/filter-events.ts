import {
  type CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilterLogEventsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import type { LogEvent } from "./log-events.ts";

export interface FilteredEvents {
  readonly events: LogEvent[];
  /** True when the page cap stopped the read before CloudWatch had nothing more. */
  readonly truncated: boolean;
}

/**
 * FilterLogEvents over one log group, page after page (nextToken) until CloudWatch has no more,
 * `enough` says so, or `maxPages` were read: a busy site's day is more than one API call may
 * read. A log group that does not exist yet (no function of the site has run) has no events.
 */
export async function filterEvents(
  logs: CloudWatchLogsClient,
  input: Omit<FilterLogEventsCommandInput, "nextToken">,
  limits: { maxPages: number; enough?: (events: readonly LogEvent[]) => boolean },
): Promise<FilteredEvents> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < limits.maxPages; page++) {
    let answer: FilterLogEventsCommandOutput;
    try {
      answer = await logs.send(new FilterLogEventsCommand({ ...input, ...(nextToken ? { nextToken } : {}) }));
    } catch (error) {
      if ((error as { name?: string } | null)?.name === "ResourceNotFoundException")
        return { events, truncated: false };
      throw error;
    }
    events.push(...(answer.events ?? []));
    nextToken = answer.nextToken;
    if (!nextToken) return { events, truncated: false };
    if (limits.enough?.(events)) return { events, truncated: false };
  }
  return { events, truncated: true };
}
