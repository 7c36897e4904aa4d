import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { isSlipwayError } from "@slipway/core/errors";
import type { EdgeRouteTable, HostTarget } from "./route-table.ts";

/** The part of a DynamoDB stream record the relay reads (aws-lambda's DynamoDBRecord). */
export interface AliasStreamRecord {
  eventName?: "INSERT" | "MODIFY" | "REMOVE" | string;
  dynamodb?: { Keys?: Record<string, AttributeValue>; NewImage?: Record<string, AttributeValue> };
}

export interface AliasRelayResult {
  /** Hosts written or deleted in the route table. */
  readonly relayed: number;
  /** Alias items the edge cannot route (logged, skipped so they do not block the stream). */
  readonly refused: number;
}

const ALIAS_PREFIX = "ALIAS#";

/** Immutable hostnames carry their deployment (`<project>-<id>.…`): the function needs no entry for them. */
const carriesItsDeployment = (hostname: string, deploymentId: string) =>
  (hostname.split(".")[0] ?? "").endsWith(`-${deploymentId}`);

/**
 * What an alias item's hostname serves: its deployment, with its canary split when it has one
 * (the item's `canary` map, written by canary releases on the production alias). The route
 * encoding checks the ids and the share before any write.
 */
export function hostTargetOf(item: { readonly deploymentId?: unknown; readonly canary?: unknown }): HostTarget {
  const deploymentId = String(item.deploymentId);
  const canary = item.canary as { deploymentId?: unknown; percent?: unknown } | null | undefined;
  if (!canary || typeof canary !== "object") return { deploymentId };
  return { deploymentId, canary: { deploymentId: String(canary.deploymentId), percent: Number(canary.percent) } };
}

/**
 * The alias items of the table's stream, into the edge route table: an alias written (deploy,
 * promote, rollback, a canary started or ended: INSERT or MODIFY) becomes `putHost` (with the
 * canary split when the item has one), a deleted one `deleteHost`, in stream
 * order. The table's stream carries NEW_IMAGE, so a REMOVE has only its keys: the hostname is in
 * the key. A fault throws, so Lambda retries the batch (puts are idempotent); an alias the edge
 * refuses (INVALID_EDGE_ROUTE) is logged and skipped, since retrying it would stall the shard.
 */
export async function relayAliasRecords(
  records: readonly AliasStreamRecord[],
  table: EdgeRouteTable,
  log: (line: string) => void = console.warn,
): Promise<AliasRelayResult> {
  let relayed = 0;
  let refused = 0;
  for (const record of records) {
    const keys = record.dynamodb?.Keys ? unmarshall(record.dynamodb.Keys) : {};
    if (typeof keys.pk !== "string" || !keys.pk.startsWith(ALIAS_PREFIX) || keys.sk !== "ALIAS") continue;
    const hostname = keys.pk.slice(ALIAS_PREFIX.length);
    try {
      if (record.eventName === "REMOVE") {
        await table.deleteHost(hostname);
      } else if (record.eventName === "INSERT" || record.eventName === "MODIFY") {
        const image = record.dynamodb?.NewImage ? unmarshall(record.dynamodb.NewImage) : {};
        if (typeof image.deploymentId !== "string") throw new Error(`alias item ${keys.pk} has no deploymentId`);
        if (image.kind === "deployment" && carriesItsDeployment(hostname, image.deploymentId)) continue;
        await table.putHost(hostname, hostTargetOf(image));
      } else {
        continue;
      }
      relayed += 1;
    } catch (error) {
      if (!isSlipwayError(error) || error.code !== "INVALID_EDGE_ROUTE") throw error;
      log(`slipway: alias ${hostname} not routed at the edge: ${error.message}`);
      refused += 1;
    }
  }
  return { relayed, refused };
}
