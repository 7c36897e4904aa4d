import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Team, TeamMember, TeamRepo } from "@slipway/core";
import { deleteIfPresent, isConditionFailure, queryAll, queryIndex, type TableContext } from "./client.ts";
import { entityOf, GSI } from "./table.ts";

/** A team and its members share a partition: `members` is one consistent query. */
const teamKey = (id: string) => ({ pk: `TEAM#${id}`, sk: "TEAM" });
const memberKey = (teamId: string, userId: string) => ({ pk: `TEAM#${teamId}`, sk: `MEMBER#${userId}` });
const TEAMS = "TEAMS";

function memberItem(member: TeamMember): Record<string, unknown> {
  return {
    ...member,
    ...memberKey(member.teamId, member.userId),
    // A user's memberships in joining order: their first team is their default.
    gsi1pk: `U#${member.userId}`,
    gsi1sk: `MEMBER#${member.createdAt}#${member.teamId}`,
  };
}

const byJoining = (a: TeamMember, b: TeamMember) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;

export function createTeamRepo(ctx: TableContext): TeamRepo {
  const { client, tableName: TableName } = ctx;
  return {
    async create(team, owner) {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName,
                Item: { ...team, ...teamKey(team.id), gsi3pk: TEAMS, gsi3sk: team.id },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            { Put: { TableName, Item: memberItem(owner) } },
          ],
        }),
      );
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: teamKey(id), ConsistentRead: true }));
      return Item ? entityOf<Team>(Item) : null;
    },
    async count() {
      const page = await client.send(
        new QueryCommand({
          TableName,
          IndexName: GSI.byKind.name,
          KeyConditionExpression: "gsi3pk = :kind",
          ExpressionAttributeValues: { ":kind": TEAMS },
          Select: "COUNT",
        }),
      );
      return page.Count ?? 0;
    },
    async listForUser(userId) {
      const memberships = (await queryIndex(ctx, GSI.byOwner, `U#${userId}`, { prefix: "MEMBER#" })).map((i) =>
        entityOf<TeamMember>(i),
      );
      if (memberships.length === 0) return [];
      const teams = new Map<string, Team>();
      const ids = [...new Set(memberships.map((m) => m.teamId))];
      for (let i = 0; i < ids.length; i += 100) {
        const { Responses } = await client.send(
          new BatchGetCommand({ RequestItems: { [TableName]: { Keys: ids.slice(i, i + 100).map(teamKey) } } }),
        );
        for (const found of Responses?.[TableName] ?? []) {
          const team = entityOf<Team>(found);
          teams.set(team.id, team);
        }
      }
      return memberships.sort(byJoining).flatMap((m) => {
        const team = teams.get(m.teamId);
        return team ? [{ team, role: m.role }] : [];
      });
    },
    async members(teamId) {
      const items = await queryAll(ctx, {
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": teamKey(teamId).pk, ":prefix": "MEMBER#" },
        ConsistentRead: true,
      });
      return items.map((i) => entityOf<TeamMember>(i)).sort(byJoining);
    },
    async member(teamId, userId) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: memberKey(teamId, userId), ConsistentRead: true }),
      );
      return Item ? entityOf<TeamMember>(Item) : null;
    },
    async addMember(member) {
      try {
        await client.send(
          new PutCommand({ TableName, Item: memberItem(member), ConditionExpression: "attribute_not_exists(pk)" }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async setRole(teamId, userId, role) {
      try {
        await client.send(
          new UpdateCommand({
            TableName,
            Key: memberKey(teamId, userId),
            UpdateExpression: "SET #role = :role",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#role": "role" },
            ExpressionAttributeValues: { ":role": role },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async removeMember(teamId, userId) {
      return deleteIfPresent(ctx, memberKey(teamId, userId));
    },
  };
}
