// The alias relay's entry (bundled to routes/index.mjs): the table's stream to the edge's KeyValueStore.
import { createDynamoStore } from "../../dynamodb/store.ts";
import { createKvsEdgeRouteTable } from "../../edge/kvs-route-table.ts";
import { createRoutesHandler, parseRoutesEnv } from "../routes.ts";

const { kvsArn, tableName } = parseRoutesEnv(process.env);

export const handler = createRoutesHandler(
  createKvsEdgeRouteTable({ kvsArn, client: {} }),
  createDynamoStore({ tableName, client: {} }),
);
