import { SlipwayError } from "@slipway/core/errors";
import { defineCommand, usageError } from "../command.ts";
import { askLine, isInteractive } from "../confirm.ts";
import type { CommandContext } from "../context.ts";
import { describeEdgeFlags, EDGE_OPTIONS, edgeInputOf } from "./aws-edge-flags.ts";
import {
  AWS_TARGET_OPTIONS,
  type AwsOps,
  edgeSourceOf,
  openAwsSession,
  realAwsOps,
  recordedEdgeOf,
  targetOf,
} from "./aws-ops.ts";

const USAGE =
  "slipway aws destroy --region R [--profile P] (--keep-data | --remove-data)\n" +
  "           --keep-data    remove the stack but keep the table, the buckets and their data\n" +
  "           --remove-data  delete the table and the buckets too (the KMS key is always kept); it redeploys\n" +
  "                          the stack first, with the edge it was deployed with (read back from the stack,\n" +
  "                          or the edge flags given), so the edge's buckets go too\n" +
  "           without either, asks (and refuses when stdin is not a terminal)";

export const awsDestroy = defineCommand({
  path: ["aws", "destroy"],
  summary: "Remove the control plane from your AWS account, keeping or removing its data",
  usage: USAGE,
  maxPositionals: 0,
  options: {
    ...AWS_TARGET_OPTIONS,
    "keep-data": { type: "boolean" },
    "remove-data": { type: "boolean" },
    ...EDGE_OPTIONS,
  },
  examples: ["slipway aws destroy --region eu-west-1", "slipway aws destroy --region eu-west-1 --remove-data --json"],
  async run(ctx, { values }) {
    return runAwsDestroy(ctx, values, realAwsOps);
  },
});

export async function runAwsDestroy(
  ctx: CommandContext,
  values: Record<string, unknown>,
  loadOps: () => Promise<AwsOps>,
): Promise<number> {
  const target = targetOf(values, USAGE);
  let edge = edgeInputOf(values);
  const removeData = await chooseData(ctx, values, target.region);
  if (removeData === null) {
    ctx.stderr.write("Nothing removed.\n");
    return 1;
  }
  const { aws, clients, progress, toolkit, call } = await openAwsSession(ctx, target, loadOps);
  const emptyBucket = (bucket: string) => aws.emptyBucket(clients.s3, bucket);
  // The redeploy before a data removal keeps the edge the stack has (its buckets are emptied, then
  // deleted): without edge flags, the ones the stack recorded.
  if (removeData && edge === null) {
    edge = recordedEdgeOf(aws, await call(() => aws.diffControlPlane(toolkit, {})));
    if (edge) progress(`The stack's edge (${describeEdgeFlags(edge)}) goes too, its buckets emptied first.`);
  }
  const source = edgeSourceOf(aws, edge);
  const { emptied } = await call(() => aws.removeControlPlane(toolkit, source, { removeData, emptyBucket, progress }));
  if (ctx.json) ctx.printJson({ region: target.region, removed: true, dataRemoved: removeData, emptied });
  else if (removeData) ctx.print(`Removed the control plane and its data from ${target.region} (the KMS key stays).`);
  else
    ctx.print(
      `Removed the control plane from ${target.region}; the table, the buckets and the KMS key are kept (delete them in the console when you no longer need them).`,
    );
  return 0;
}

/** true: remove the data; false: keep it; null: the person answered neither. */
async function chooseData(
  ctx: CommandContext,
  values: Record<string, unknown>,
  region: string,
): Promise<boolean | null> {
  const keep = values["keep-data"] === true;
  const remove = values["remove-data"] === true;
  if (keep && remove) throw usageError("--keep-data and --remove-data contradict each other.", USAGE);
  if (keep || remove) return remove;
  if (!isInteractive(ctx)) {
    throw new SlipwayError(
      "CONFIRMATION_REQUIRED",
      `Refusing to destroy the stack in ${region} without knowing what to do with its data: stdin is not a terminal.`,
      `Pass --keep-data or --remove-data: slipway aws destroy --region ${region} --keep-data`,
    );
  }
  ctx.stderr.write(
    `This removes the Slipway control plane in ${region}: the API, the functions, the queues and the build project.\n` +
      "Its table (projects, deployments, env vars, logs) and buckets (artifacts, caches) can stay or go.\n",
  );
  const answer = await askLine(ctx, "Type keep to keep the data, remove to delete it, anything else to stop:");
  return answer === "remove" ? true : answer === "keep" ? false : null;
}
