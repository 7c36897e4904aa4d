import type { Store } from "@slipway/core";
import { SlipwayError } from "@slipway/core/errors";
import { routeCustomDomainsOfProductionMoves } from "../cloudfront/route-domains.ts";
import { type AliasRelayResult, type AliasStreamRecord, relayAliasRecords } from "../edge/alias-relay.ts";
import type { EdgeRouteTable } from "../edge/route-table.ts";
import { EDGE_ENV } from "./edge-env.ts";
import { CONTROL_PLANE_ENV } from "./env.ts";

/** Set by the stack on the routes function: the KeyValueStore the viewer-request function reads. */
export const ROUTES_ENV = { kvsArn: EDGE_ENV.routesStoreArn } as const;

/** Reads the routes function's configuration once, at cold start. */
export function parseRoutesEnv(env: Readonly<Record<string, string | undefined>>): {
  kvsArn: string;
  tableName: string;
} {
  const kvsArn = env[ROUTES_ENV.kvsArn] ?? "";
  if (!/^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/.test(kvsArn)) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The routes function's ${ROUTES_ENV.kvsArn} is not a KeyValueStore ARN: ${JSON.stringify(kvsArn)}.`,
      "The Slipway CDK stack sets it to the edge's KeyValueStore: deploy with `slipway aws deploy`.",
    );
  }
  const tableName = env[CONTROL_PLANE_ENV.tableName] ?? "";
  if (!tableName) {
    throw new SlipwayError(
      "INVALID_CONFIG",
      `The routes function has no ${CONTROL_PLANE_ENV.tableName} (custom domains are read from the table).`,
      "The Slipway CDK stack sets it: deploy with `slipway aws deploy`.",
    );
  }
  return { kvsArn, tableName };
}

export interface DynamoStreamEvent {
  Records: AliasStreamRecord[];
}

/**
 * The table stream's second Lambda: alias moves (deploy, promote, rollback, domain removal) reach
 * the edge's KeyValueStore within seconds of the store write. Custom domains are rows of their own,
 * so a production move also re-points its site's active custom domains (read from `store`). A fault
 * throws: Lambda retries the batch (every write is an idempotent put).
 */
export function createRoutesHandler(table: EdgeRouteTable, store: Pick<Store, "aliases" | "domains">) {
  return async (event: DynamoStreamEvent): Promise<AliasRelayResult> => {
    const result = await relayAliasRecords(event.Records, table);
    await routeCustomDomainsOfProductionMoves(event.Records, { store, routes: table });
    return result;
  };
}
