import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Alias, type AliasRepo, nowIso } from "@slipway/core";
import { deleteIfPresent, isConditionFailure, queryIndex, type TableContext } from "./client.ts";
import { ownedBy } from "./projects.ts";
import { entityOf, GSI } from "./table.ts";

const key = (hostname: string) => ({ pk: `ALIAS#${hostname}`, sk: "ALIAS" });
const ALIAS_PREFIX = "ALIAS#";

function item(alias: Omit<Alias, "updatedAt">): Record<string, unknown> {
  return {
    hostname: alias.hostname,
    projectId: alias.projectId,
    deploymentId: alias.deploymentId,
    kind: alias.kind,
    updatedAt: nowIso(),
    // A map on the item, so the alias relay reads the split from the stream's NEW_IMAGE.
    ...(alias.canary
      ? {
          canary: {
            deploymentId: alias.canary.deploymentId,
            percent: alias.canary.percent,
            startedAt: alias.canary.startedAt,
          },
        }
      : {}),
    ...key(alias.hostname),
    gsi1pk: ownedBy(alias.projectId),
    gsi1sk: `${ALIAS_PREFIX}${alias.hostname}`,
    gsi2pk: `ADEP#${alias.deploymentId}`,
    gsi2sk: alias.hostname,
  };
}

/** Every write is one conditional Put: the ownership and compare-and-set checks are its condition. */
export function createAliasRepo(ctx: TableContext): AliasRepo {
  const { client, tableName: TableName } = ctx;
  const put = async (alias: Omit<Alias, "updatedAt">, condition: string, values: Record<string, unknown>) => {
    try {
      await client.send(
        new PutCommand({
          TableName,
          Item: item(alias),
          ConditionExpression: condition,
          ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };
  const sorted = (items: Record<string, unknown>[]) =>
    items
      .map((i) => entityOf<Alias>(i))
      .sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));

  return {
    async set(alias) {
      // A hostname belongs to the project that created it.
      return put(alias, "attribute_not_exists(pk) OR projectId = :project", { ":project": alias.projectId });
    },
    async setIf(alias, expectedDeploymentId) {
      if (expectedDeploymentId === null) return put(alias, "attribute_not_exists(pk)", {});
      return put(alias, "deploymentId = :expected AND projectId = :project", {
        ":expected": expectedDeploymentId,
        ":project": alias.projectId,
      });
    },
    async get(hostname) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: key(hostname), ConsistentRead: true }));
      return Item ? entityOf<Alias>(Item) : null;
    },
    async delete(hostname, projectId) {
      return deleteIfPresent(ctx, key(hostname), {
        expression: "projectId = :project",
        values: { ":project": projectId },
      });
    },
    async listByProject(projectId) {
      return sorted(await queryIndex(ctx, GSI.byOwner, ownedBy(projectId), { prefix: ALIAS_PREFIX }));
    },
    async listByDeployment(deploymentId) {
      return sorted(await queryIndex(ctx, GSI.byRef, `ADEP#${deploymentId}`));
    },
    async production(projectId) {
      const production = (await this.listByProject(projectId)).filter((a) => a.kind === "production");
      // The most recently pointed one; by hostname among equals (Array.sort is stable).
      production.sort((a, b) => (a.updatedAt === b.updatedAt ? 0 : a.updatedAt > b.updatedAt ? -1 : 1));
      return production[0] ?? null;
    },
  };
}
