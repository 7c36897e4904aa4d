import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Domain, type DomainPatch, type DomainRepo, nowIso } from "@slipway/core";
import { deleteIfPresent, inList, isConditionFailure, queryIndex, type TableContext } from "./client.ts";
import { ownedBy } from "./projects.ts";
import { entityOf, GSI } from "./table.ts";
import { updateParts } from "./update-expression.ts";

const key = (hostname: string) => ({ pk: `DOMAIN#${hostname}`, sk: "DOMAIN" });

export function createDomainRepo(ctx: TableContext): DomainRepo {
  const { client, tableName: TableName } = ctx;
  /** Applies the patch (stamping updatedAt) under `condition`; the domain as it is now, or null. */
  const patch = async (
    hostname: string,
    fields: DomainPatch & Partial<Domain>,
    condition?: ReturnType<typeof inList>,
  ) => {
    const parts = updateParts({ ...fields, updatedAt: nowIso() });
    try {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName,
          Key: key(hostname),
          UpdateExpression: parts.expression,
          ConditionExpression: condition
            ? `attribute_exists(pk) AND #status IN ${condition.expression}`
            : "attribute_exists(pk)",
          ExpressionAttributeNames: condition ? { ...parts.names, "#status": "status" } : parts.names,
          ExpressionAttributeValues: { ...parts.values, ...condition?.values },
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? entityOf<Domain>(Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  };

  return {
    async create(domain) {
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: {
              ...domain,
              ...key(domain.hostname),
              gsi1pk: ownedBy(domain.projectId),
              gsi1sk: `DOMAIN#${domain.hostname}`,
              gsi3pk: "DOMAINS",
              gsi3sk: domain.hostname,
            },
            // A domain has one owner: the hostname is the key, and a taken key fails the condition.
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async get(hostname) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: key(hostname), ConsistentRead: true }));
      return Item ? entityOf<Domain>(Item) : null;
    },
    async listByProject(projectId) {
      const items = await queryIndex(ctx, GSI.byOwner, ownedBy(projectId), { prefix: "DOMAIN#" });
      return items.map((i) => entityOf<Domain>(i));
    },
    async list() {
      return (await queryIndex(ctx, GSI.byKind, "DOMAINS")).map((i) => entityOf<Domain>(i));
    },
    async update(hostname, fields) {
      return patch(hostname, fields);
    },
    async transition(hostname, from, to, fields = {}) {
      if (from.length === 0) return false;
      return (await patch(hostname, { ...fields, status: to }, inList("from", from))) !== null;
    },
    async delete(hostname, projectId) {
      return deleteIfPresent(ctx, key(hostname), {
        expression: "projectId = :project",
        values: { ":project": projectId },
      });
    },
  };
}
