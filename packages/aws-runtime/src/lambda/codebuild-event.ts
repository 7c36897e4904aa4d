import { WATCH_BUILD_JOB, type WatchBuildPayload } from "@slipway/core";
import { BUILD_REQUEST_KEY_VARIABLE } from "../codebuild/builder.ts";

/** A build's final states: earlier ones (IN_PROGRESS) would only start a second watch of one build. */
const FINAL_STATES = new Set(["SUCCEEDED", "FAILED", "FAULT", "STOPPED", "TIMED_OUT"]);
const REQUEST_KEY = /^build-requests\/([A-Za-z0-9_-]{1,100})\/request\.json$/;
/** `arn:aws:codebuild:<region>:<account>:build/<project>:<uuid>` → `<project>:<uuid>`, the Builder's handle. */
const BUILD_ARN = /^arn:aws[a-z-]*:codebuild:[a-z0-9-]+:\d{12}:build\/([A-Za-z0-9][A-Za-z0-9_-]{1,254}:[0-9a-f-]{36})$/;

type Json = Record<string, unknown>;
const record = (value: unknown): Json | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;

/**
 * EventBridge's `CodeBuild Build State Change`, as the rule delivers it raw onto the step queue,
 * turned into the watch step of the deployment it built: the watch step asks CodeBuild itself
 * (BatchGetBuilds) and acts on that answer, so the event only says when to look, never what
 * happened. Null for anything else: another project's build, a state that is not final, or a
 * body without the request key the Builder put in the build's environment.
 */
export function watchJobFromBuildEvent(
  body: unknown,
  buildProjectName: string,
): { type: typeof WATCH_BUILD_JOB; payload: WatchBuildPayload } | null {
  const event = record(body);
  if (event?.source !== "aws.codebuild" || event["detail-type"] !== "CodeBuild Build State Change") return null;
  const detail = record(event.detail);
  if (!detail || detail["project-name"] !== buildProjectName) return null;
  if (!FINAL_STATES.has(String(detail["build-status"]))) return null;
  const handle = BUILD_ARN.exec(String(detail["build-id"]))?.[1];
  if (!handle?.startsWith(`${buildProjectName}:`)) return null;
  const variables = record(record(detail["additional-information"])?.environment)?.["environment-variables"];
  const requestKey = Array.isArray(variables)
    ? variables.map(record).find((v) => v?.name === BUILD_REQUEST_KEY_VARIABLE)?.value
    : undefined;
  const deploymentId = typeof requestKey === "string" ? REQUEST_KEY.exec(requestKey)?.[1] : undefined;
  if (!deploymentId) return null;
  return { type: WATCH_BUILD_JOB, payload: { deploymentId, handle } };
}

/** True for any CodeBuild state-change event, ours or not: it is never a pipeline message. */
export function isBuildEvent(body: unknown): boolean {
  return record(body)?.source === "aws.codebuild";
}
