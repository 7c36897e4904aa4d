import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Invitation, InvitationRepo } from "@slipway/core";
import { deleteIfPresent, isConditionFailure, queryIndex, type TableContext } from "./client.ts";
import { entityOf, GSI } from "./table.ts";

const key = (id: string) => ({ pk: `INVITE#${id}`, sk: "INVITE" });

export function createInvitationRepo(ctx: TableContext): InvitationRepo {
  const { client, tableName: TableName } = ctx;
  return {
    async create(invitation) {
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: {
              ...invitation,
              ...key(invitation.id),
              gsi1pk: `T#${invitation.teamId}`,
              gsi1sk: `INVITE#${invitation.createdAt}#${invitation.id}`,
              gsi2pk: `INVITEHASH#${invitation.tokenHash}`,
              gsi2sk: "INVITE",
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new Error(`invitation ${invitation.id} already exists`);
        throw error;
      }
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: key(id), ConsistentRead: true }));
      return Item ? entityOf<Invitation>(Item) : null;
    },
    async findByHash(tokenHash) {
      const [found] = await queryIndex(ctx, GSI.byRef, `INVITEHASH#${tokenHash}`);
      return found ? entityOf<Invitation>(found) : null;
    },
    async listOpen(teamId) {
      const items = await queryIndex(ctx, GSI.byOwner, `T#${teamId}`, { prefix: "INVITE#" });
      return items.map((i) => entityOf<Invitation>(i)).filter((i) => i.acceptedBy === null);
    },
    async accept(id, userId) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: key(id),
            UpdateExpression: "SET acceptedBy = :user",
            // The compare-and-set: only while nobody has accepted it.
            ConditionExpression: "attribute_exists(pk) AND attribute_type(acceptedBy, :null)",
            ExpressionAttributeValues: { ":user": userId, ":null": "NULL" },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async delete(id) {
      return deleteIfPresent(ctx, key(id));
    },
  };
}
