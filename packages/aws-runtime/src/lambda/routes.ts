import { SlipwayError } from "@slipway/core/errors";
import { type AliasRelayResult, type AliasStreamRecord, relayAliasRecords } from "../edge/alias-relay.ts";
import type { EdgeRouteTable } from "../edge/route-table.ts";

/** Set by the stack on the routes function: the KeyValueStore the viewer-request function reads. */
export const ROUTES_ENV = { kvsArn: "SLIPWAY_EDGE_KVS_ARN" } as const;

/** Reads the routes function's configuration once, at cold start. */
export function parseRoutesEnv(env: Readonly<Record<string, string | undefined>>): { kvsArn: string } {
  const kvsArn = env[ROUTES_ENV.kvsArn] ?? "";
  if (!/^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/.test(kvsArn)) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The routes function's ${ROUTES_ENV.kvsArn} is not a KeyValueStore ARN: ${JSON.stringify(kvsArn)}.`,
      "The Slipway CDK stack sets it to the edge's KeyValueStore: deploy with `slipway aws deploy`.",
    );
  }
  return { kvsArn };
}

export interface DynamoStreamEvent {
  Records: AliasStreamRecord[];
}

/**
 * The table stream's second Lambda: alias moves (deploy, promote, rollback, domain removal) reach
 * the edge's KeyValueStore within seconds of the store write. A fault throws: Lambda retries the batch.
 */
export function createRoutesHandler(table: EdgeRouteTable) {
  return async (event: DynamoStreamEvent): Promise<AliasRelayResult> => relayAliasRecords(event.Records, table);
}
