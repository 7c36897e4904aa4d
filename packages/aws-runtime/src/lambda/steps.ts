import {
  type CoreDeps,
  deploymentIdOf,
  giveUpDeployment,
  handleCanaryJob,
  handleDeployJob,
  handleDomainEdgeJob,
  resumeStalledDeployments,
} from "@slipway/core";
import { canaryJobFromAlarmEvent, isAlarmEvent } from "../canary/alarm-event.ts";
import { isBuildEvent, watchJobFromBuildEvent } from "./codebuild-event.ts";
import { RESUME_STALLED_MESSAGE, SITE_COSTS_REFRESH_MESSAGE } from "./schedule.ts";

/** The part of Lambda's SQS event the handler reads (aws-lambda's SQSEvent). */
export interface SqsEvent {
  Records: {
    messageId: string;
    body: string;
    attributes?: { ApproximateReceiveCount?: string };
  }[];
}

/** Lambda's partial batch response: the messages to deliver again (the rest are deleted). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Deliveries of one message before its deployment is given up: the step queue's redrive policy
 * (maxReceiveCount 5 in packages/aws) moves it to the dead-letter queue after as many.
 */
export const STEP_ATTEMPTS = 5;

export interface StepsHandlerOptions {
  readonly buildProjectName: string;
  readonly log?: (line: string) => void;
  /** The daily cost refresh (SITE_COSTS_REFRESH_MESSAGE); absent, that message is dropped. */
  readonly refreshSiteCosts?: () => Promise<unknown>;
}

/**
 * The step queue's Lambda: each message runs the same pipeline step `slipway worker` runs (or a
 * domain or canary step), one
 * after the other. A step that throws is reported as a batch item failure (SQS delivers it again
 * after its visibility timeout, then dead-letters it); on its last delivery the deployment ends
 * `error` first, as the local job runner does. A body that is no pipeline message is logged and
 * dropped: delivering it again cannot help.
 */
export function createStepsHandler(deps: CoreDeps, options: StepsHandlerOptions) {
  const log = options.log ?? ((line: string) => console.log(line));
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const batchItemFailures: SqsBatchResponse["batchItemFailures"] = [];
    for (const message of event.Records) {
      const job = jobOf(message.body, options.buildProjectName);
      if (job === null) {
        log(`steps: dropped message ${message.messageId}: not a pipeline message`);
        continue;
      }
      try {
        const { domainEdge } = deps;
        if (domainEdge && (await handleDomainEdgeJob({ ...deps, domainEdge }, job, log))) continue;
        if (await handleCanaryJob(deps, job, log)) continue;
        if (job.type === SITE_COSTS_REFRESH_MESSAGE.type) {
          if (options.refreshSiteCosts) await options.refreshSiteCosts();
          else log("steps: dropped a cost refresh: this stack has no SLIPWAY_STACK_NAME");
          continue;
        }
        if (job.type === RESUME_STALLED_MESSAGE.type) {
          const resumed = await resumeStalledDeployments(deps);
          if (resumed.length > 0) log(`steps: resumed stalled deployments ${resumed.join(", ")}`);
          continue;
        }
        await handleDeployJob(deps, job);
      } catch (error) {
        const attempts = Number(message.attributes?.ApproximateReceiveCount ?? 1);
        log(`steps: ${job.type} failed (delivery ${attempts}): ${(error as Error)?.stack ?? String(error)}`);
        const deploymentId = deploymentIdOf(job);
        try {
          if (deploymentId !== null && attempts >= STEP_ATTEMPTS) await giveUpDeployment(deps, deploymentId, error);
        } catch (giveUpError) {
          log(`steps: could not give up deployment ${deploymentId}: ${String(giveUpError)}`);
        }
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/**
 * A queue body as a job: `{type, payload}` as the SQS Queue adapter writes it, a build's state
 * change, or a canary alarm's.
 */
function jobOf(body: string, buildProjectName: string): { type: string; payload: unknown } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (isBuildEvent(parsed)) return watchJobFromBuildEvent(parsed, buildProjectName);
  if (isAlarmEvent(parsed)) return canaryJobFromAlarmEvent(parsed);
  const job = parsed as { type?: unknown; payload?: unknown } | null;
  return typeof job?.type === "string" ? { type: job.type, payload: job.payload } : null;
}
