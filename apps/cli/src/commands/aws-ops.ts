import type {
  AwsTarget,
  ChangeSummary,
  ControlPlaneSource,
  ControlPlaneToolkit,
  EdgeInput,
  OpsClients,
} from "@slipway/aws";
import { SlipwayError } from "@slipway/core/errors";
import type { DashboardArtifact } from "@slipway/platform";
import { loadAws } from "../aws.ts";
import { requireRegion } from "../aws-region.ts";
import { requireString } from "../command.ts";
import type { CommandContext } from "../context.ts";

type Aws = Awaited<ReturnType<typeof loadAws>>;

/**
 * What `slipway aws deploy|destroy|upgrade` reach AWS through: the CDK toolkit and two SDK
 * clients. The commands take it as a parameter, so tests give a recorded fake toolkit and
 * SDK-mocked clients (AWS cannot run here).
 */
export interface AwsOps {
  readonly aws: Aws;
  toolkit(target: AwsTarget, progress: (line: string) => void): ControlPlaneToolkit;
  clients(target: AwsTarget): OpsClients;
  /** Builds the dashboard as a site artifact (the builder's real build, minutes), build log to `log`. */
  dashboardArtifact(log: (line: string) => void): Promise<DashboardArtifact>;
}

/** Loads the CDK app and the toolkit (seconds): only once the arguments are known to be good. */
export async function realAwsOps(): Promise<AwsOps> {
  const aws = await loadAws();
  return {
    aws,
    toolkit: aws.createToolkit,
    clients: aws.opsClients,
    async dashboardArtifact(log) {
      const { buildDashboardArtifact } = await import("@slipway/platform");
      return buildDashboardArtifact({ log });
    },
  };
}

/** Options every aws command that calls AWS takes. */
export const AWS_TARGET_OPTIONS = {
  region: { type: "string" },
  profile: { type: "string" },
} as const;

/** The region and profile from the flags, checked without loading the CDK (argument errors come fast). */
export function targetOf(values: Record<string, unknown>, usage: string): AwsTarget {
  const region = requireRegion(requireString(values, "region", usage));
  const profile = values.profile;
  if (profile !== undefined && (typeof profile !== "string" || profile.trim() === "")) {
    throw new SlipwayError("USAGE", "--profile needs a profile name.", `Usage: ${usage.split("\n")[0]}`);
  }
  return { region, ...(typeof profile === "string" ? { profile } : {}) };
}

/**
 * The target's clients, once its credentials resolve (no AWS call): a missing profile or an
 * expired session fails here, naming the profile, not after a minute of synthesis.
 */
export async function clientsWithCredentials(ops: AwsOps, target: AwsTarget): Promise<OpsClients> {
  const clients = ops.clients(target);
  await onAws(ops.aws, target, () => ops.aws.checkCredentials(clients));
  return clients;
}

/** Progress lines on stdout for a person; nothing with --json (stdout carries one JSON document). */
export function progressOf(ctx: CommandContext): (line: string) => void {
  return ctx.json ? () => {} : (line) => ctx.print(line);
}

/** What a command works with once the target's credentials resolve: the toolkit, the clients, progress. */
export interface AwsSession {
  readonly aws: Aws;
  readonly clients: OpsClients;
  readonly progress: (line: string) => void;
  readonly toolkit: ControlPlaneToolkit;
  /** Builds the dashboard's artifact (the site `--sites-domain` deploys it as). */
  dashboardArtifact(): ReturnType<AwsOps["dashboardArtifact"]>;
  /** Runs an AWS call on the target (onAws: credential and region faults name the profile and region). */
  call<T>(run: () => Promise<T>): Promise<T>;
}

/**
 * The preamble of `slipway aws deploy|upgrade|destroy`: loads the CDK (seconds, so only once the
 * arguments are known to be good), resolves the credentials before anything is synthesized, and
 * makes the toolkit printing progress as the context wants it.
 */
export async function openAwsSession(
  ctx: CommandContext,
  target: AwsTarget,
  loadOps: () => Promise<AwsOps>,
): Promise<AwsSession> {
  const ops = await loadOps();
  const clients = await clientsWithCredentials(ops, target);
  const progress = progressOf(ctx);
  return {
    aws: ops.aws,
    clients,
    progress,
    toolkit: ops.toolkit(target, progress),
    dashboardArtifact: () => ops.dashboardArtifact(progress),
    call: (run) => onAws(ops.aws, target, run),
  };
}

/**
 * The stack's source as `deploy`, `upgrade` and `destroy` take it from their flags: the bundles,
 * and the edge with its sites domain (edgeInputOf, checked before the CDK was loaded).
 */
export function sourceOf(
  values: Record<string, unknown>,
  aws: Aws,
  edge: EdgeInput | null,
): ControlPlaneSource & { bundlesDir: string } {
  return { bundlesDir: (values.bundles as string | undefined) ?? aws.DEFAULT_BUNDLES_DIR, ...edgeSourceOf(aws, edge) };
}

/** The edge part of the stack's source: the edge and its sites domain, or neither. */
export function edgeSourceOf(aws: Aws, edge: EdgeInput | null): Pick<ControlPlaneSource, "edge" | "sitesDomain"> {
  return edge ? { sitesDomain: edge.sitesDomain, edge: aws.edgeOptionsFrom(edge) } : {};
}

/**
 * The edge flags the deployed stack recorded (its EdgeFlags output), from a diff against a
 * template without an edge (which drops that output); null for a stack without an edge, or one
 * deployed before the output existed.
 */
export function recordedEdgeOf(aws: Aws, changes: ChangeSummary): EdgeInput | null {
  const value = changes.droppedOutputs[aws.EDGE_FLAGS_OUTPUT];
  return value === undefined ? null : aws.edgeFlagsFrom(value);
}

/** Runs an AWS call, turning credential and region faults into errors naming the profile and region. */
export async function onAws<T>(aws: Aws, target: AwsTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw aws.awsErrorFor(error, target);
  }
}
