// The alias relay's entry (bundled to routes/index.mjs): the table's stream to the edge's KeyValueStore.
import { createKvsEdgeRouteTable } from "../../edge/kvs-route-table.ts";
import { createRoutesHandler, parseRoutesEnv } from "../routes.ts";

const { kvsArn } = parseRoutesEnv(process.env);

export const handler = createRoutesHandler(createKvsEdgeRouteTable({ kvsArn, client: {} }));
