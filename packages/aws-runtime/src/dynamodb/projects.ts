import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Project, ProjectRepo } from "@slipway/core";
import { deleteAll, failedConditions, isConditionFailure, queryIndex, type TableContext } from "./client.ts";
import { entityOf, GSI } from "./table.ts";
import { updateParts } from "./update-expression.ts";

export const projectKey = (id: string) => ({ pk: `PROJECT#${id}`, sk: "PROJECT" });
/** A guard item per name: the name's uniqueness is a condition on a key, checked with the insert. */
const nameKey = (name: string) => ({ pk: `PROJECTNAME#${name}`, sk: "PROJECTNAME" });
/** The GSI1 partition of everything a project owns (deleted with it). */
export const ownedBy = (projectId: string) => `P#${projectId}`;

export function createProjectRepo(ctx: TableContext): ProjectRepo {
  const { client, tableName: TableName } = ctx;
  const get = async (id: string) => {
    const { Item } = await client.send(new GetCommand({ TableName, Key: projectKey(id), ConsistentRead: true }));
    return Item ? entityOf<Project>(Item) : null;
  };
  const patch = async (id: string, fields: Record<string, unknown>) => {
    const parts = updateParts(fields);
    if (parts.expression === "") return get(id);
    try {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName,
          Key: projectKey(id),
          UpdateExpression: parts.expression,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: parts.names,
          ExpressionAttributeValues: parts.values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return Attributes ? entityOf<Project>(Attributes) : null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  };

  return {
    async create(project) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName,
                  Item: { ...nameKey(project.name), projectId: project.id },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
              {
                Put: {
                  TableName,
                  Item: { ...project, ...projectKey(project.id), gsi3pk: "PROJECTS", gsi3sk: project.name },
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        const failed = failedConditions(error);
        if (failed?.includes(1)) throw new Error(`project ${project.id} already exists`);
        if (failed?.includes(0)) return false;
        throw error;
      }
    },
    get,
    async getByName(name) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: nameKey(name), ConsistentRead: true }));
      return Item ? get(String(Item.projectId)) : null;
    },
    async list() {
      const items = await queryIndex(ctx, GSI.byKind, "PROJECTS");
      return items.map((item) => entityOf<Project>(item));
    },
    async assignUnowned(teamId) {
      let assigned = 0;
      for (const project of await this.list()) {
        if (project.teamId !== null) continue;
        try {
          // Only while it is still teamless: two first users racing give each project one team.
          await client.send(
            new UpdateCommand({
              TableName,
              Key: projectKey(project.id),
              UpdateExpression: "SET teamId = :team",
              ConditionExpression: "attribute_exists(pk) AND attribute_type(teamId, :null)",
              ExpressionAttributeValues: { ":team": teamId, ":null": "NULL" },
            }),
          );
          assigned += 1;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      return assigned;
    },
    async updateSecrets(id, secrets) {
      // null is a value for the credential (none any more); for the URL and secret it means "leave".
      await patch(id, {
        repoUrl: secrets.repoUrl ?? undefined,
        repoCredentialEncrypted: secrets.repoCredentialEncrypted,
        webhookSecretEncrypted: secrets.webhookSecretEncrypted ?? undefined,
      });
    },
    async update(id, settings) {
      return patch(id, { ...settings });
    },
    async delete(id) {
      const project = await get(id);
      if (!project) return false;
      // What it owns goes first: a crash half-way leaves the project, and deleting it again
      // finishes the job. (A transaction would cap the project at 100 items.)
      const owned = await queryIndex(ctx, GSI.byOwner, ownedBy(id));
      await deleteAll(
        ctx,
        owned.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
      );
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName, Key: projectKey(id), ConditionExpression: "attribute_exists(pk)" } },
              { Delete: { TableName, Key: nameKey(project.name) } },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (failedConditions(error)) return false;
        throw error;
      }
    },
  };
}
