import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type Deployment,
  type DeploymentPatch,
  type DeploymentRepo,
  type DeploymentStatus,
  nowIso,
} from "@slipway/core";
import { failedConditions, inList, isConditionFailure, queryAll, queryIndex, type TableContext } from "./client.ts";
import { outboxItem } from "./outbox.ts";
import { ownedBy } from "./projects.ts";
import { entityOf, GSI, insertionStamp } from "./table.ts";
import { updateParts } from "./update-expression.ts";

const key = (id: string) => ({ pk: `DEPLOY#${id}`, sk: "DEPLOY" });
const byStatus = (status: DeploymentStatus) => `DSTATUS#${status}`;
const DEPLOY_PREFIX = "DEPLOY#";
/** The sparse GSI3 partition of deployments holding an env snapshot (key rotation re-seals them). */
const WITH_SNAPSHOT = "ENVSNAP";

function item(deployment: Deployment): Record<string, unknown> {
  // Creation time, then insertion stamp: newest-first pages with ties in insertion order.
  const order = `${deployment.createdAt}#${insertionStamp()}`;
  return {
    ...deployment,
    ...key(deployment.id),
    gsi1pk: ownedBy(deployment.projectId),
    gsi1sk: `${DEPLOY_PREFIX}${order}`,
    gsi2pk: byStatus(deployment.status),
    gsi2sk: order,
    ...(deployment.envSnapshot !== null ? { gsi3pk: WITH_SNAPSHOT, gsi3sk: order } : {}),
  };
}

/** The patch as an update: the snapshot index follows `envSnapshot`, `updatedAt` is stamped. */
function patchParts(patch: DeploymentPatch, extra: Record<string, unknown>) {
  const fields = { ...patch, ...extra, updatedAt: nowIso() };
  if (patch.envSnapshot === undefined) return updateParts(fields);
  if (patch.envSnapshot === null) return updateParts(fields, [GSI.byKind.pk, GSI.byKind.sk]);
  return updateParts({ ...fields, [GSI.byKind.pk]: WITH_SNAPSHOT }, [], { [GSI.byKind.sk]: GSI.byRef.sk });
}

const oldestFirst = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a.gsi2sk) < String(b.gsi2sk) ? -1 : String(a.gsi2sk) > String(b.gsi2sk) ? 1 : 0;

export function createDeploymentRepo(ctx: TableContext): DeploymentRepo {
  const { client, tableName: TableName } = ctx;
  const getItem = async (id: string) =>
    (await client.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }))).Item;

  return {
    async create(deployment, outbox = []) {
      const put = { TableName, Item: item(deployment), ConditionExpression: "attribute_not_exists(pk)" };
      try {
        if (outbox.length === 0) {
          await client.send(new PutCommand(put));
          return;
        }
        // The row and its messages in one transaction (see outbox.ts).
        await client.send(
          new TransactWriteCommand({
            TransactItems: [{ Put: put }, ...outbox.map((m) => ({ Put: { TableName, Item: outboxItem(m) } }))],
          }),
        );
      } catch (error) {
        if (isConditionFailure(error) || failedConditions(error)?.includes(0)) {
          throw new Error(`deployment ${deployment.id} already exists`);
        }
        throw error;
      }
    },
    async get(id) {
      const found = await getItem(id);
      return found ? entityOf<Deployment>(found) : null;
    },
    async listByProject(projectId, options = {}) {
      const { before, environment, status, limit } = options;
      let upper = `${DEPLOY_PREFIX}\uffff`;
      if (before !== undefined) {
        const cursor = await getItem(before);
        // An unknown cursor (or another project's) pages on to nothing.
        if (!cursor || cursor.projectId !== projectId) return [];
        upper = String(cursor.gsi1sk);
      }
      const filters: string[] = [];
      const values: Record<string, unknown> = { ":pk": ownedBy(projectId), ":lo": DEPLOY_PREFIX, ":hi": upper };
      const names: Record<string, string> = { "#pk": GSI.byOwner.pk, "#sk": GSI.byOwner.sk };
      if (environment !== undefined) {
        filters.push("#env = :env");
        names["#env"] = "environment";
        values[":env"] = environment;
      }
      if (status !== undefined) {
        filters.push("#status = :status");
        names["#status"] = "status";
        values[":status"] = status;
      }
      const items = await queryAll(
        ctx,
        {
          IndexName: GSI.byOwner.name,
          // BETWEEN is inclusive: the cursor itself is dropped below.
          KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :lo AND :hi",
          FilterExpression: filters.length > 0 ? filters.join(" AND ") : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
        },
        limit === undefined ? undefined : limit + 1,
      );
      const page = items.filter((i) => i.id !== before).map((i) => entityOf<Deployment>(i));
      return limit === undefined ? page : page.slice(0, limit);
    },
    async listByStatus(statuses) {
      const items = (await Promise.all(statuses.map((s) => queryIndex(ctx, GSI.byRef, byStatus(s))))).flat();
      return items.sort(oldestFirst).map((i) => entityOf<Deployment>(i));
    },
    async transition(id, from, to, patch = {}) {
      if (from.length === 0) return false;
      const allowed = inList("from", from);
      const parts = patchParts(patch, { status: to, gsi2pk: byStatus(to) });
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: parts.expression,
            // The compare-and-set: the write happens only while the status is one of `from`.
            ConditionExpression: `attribute_exists(pk) AND #status IN ${allowed.expression}`,
            ExpressionAttributeNames: { ...parts.names, "#status": "status" },
            ExpressionAttributeValues: { ...parts.values, ...allowed.values },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async update(id, patch) {
      const parts = patchParts(patch, {});
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: parts.expression,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: parts.names,
            ExpressionAttributeValues: parts.values,
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async listWithEnvSnapshot() {
      const items = await queryIndex(ctx, GSI.byKind, WITH_SNAPSHOT);
      return items.map((i) => entityOf<Deployment>(i));
    },
  };
}
