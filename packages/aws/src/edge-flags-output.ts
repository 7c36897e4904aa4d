import { resolve } from "node:path";
import { SlipwayError } from "@slipway/core/errors";
import { DEFAULT_VIEWER_REQUEST_FILE, type EdgeInput } from "./edge-options.ts";

/**
 * The stack output that keeps the edge flags a stack was deployed with (JSON), so that
 * `slipway aws upgrade` without them keeps the edge instead of refusing: an upgrade's diff shows
 * the output's old value when the new template would drop it.
 */
export const EDGE_FLAGS_OUTPUT = "EdgeFlags";

/** The output's value: the flags as given, the viewer-request file only when not the default. */
export function edgeFlagsValue(input: EdgeInput): string {
  const file = input.viewerRequestFile === undefined ? undefined : resolve(input.viewerRequestFile);
  return JSON.stringify({
    sitesDomain: input.sitesDomain,
    ...(input.certificateArn !== undefined ? { certificateArn: input.certificateArn } : {}),
    ...(input.hostedZone !== undefined ? { hostedZone: input.hostedZone } : {}),
    ...(file !== undefined && file !== DEFAULT_VIEWER_REQUEST_FILE ? { viewerRequestFile: file } : {}),
  });
}

const FIELDS = ["sitesDomain", "certificateArn", "hostedZone", "viewerRequestFile"] as const;

/** The flags back from the output's value; anything else than what edgeFlagsValue writes is refused. */
export function edgeFlagsFrom(value: string): EdgeInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = null;
  }
  const fields = parsed !== null && typeof parsed === "object" ? Object.entries(parsed) : [];
  const valid =
    fields.length > 0 &&
    fields.every(([key, field]) => (FIELDS as readonly string[]).includes(key) && typeof field === "string") &&
    typeof (parsed as EdgeInput).sitesDomain === "string";
  if (!valid) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The deployed stack's ${EDGE_FLAGS_OUTPUT} output is not edge flags: ${JSON.stringify(value.slice(0, 200))}.`,
      "Pass the edge flags the stack was deployed with: --sites-domain D (--certificate-arn ARN | --hosted-zone ID:NAME).",
    );
  }
  return parsed as EdgeInput;
}
