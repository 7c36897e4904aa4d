import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { AUTH_LOOKUP_FIELDS, type AuthModel, type AuthRecord, type AuthRecordRepo } from "@slipway/core";
import { deleteIfPresent, isConditionFailure, queryIndex, type TableContext } from "./client.ts";
import { GSI, insertionStamp } from "./table.ts";

const key = (model: AuthModel, id: string) => ({ pk: `AUTH#${model}#${id}`, sk: "AUTH" });
/** A lookup field's GSI is its place in AUTH_LOOKUP_FIELDS: the first in GSI1, the second in GSI2. */
const LOOKUP_INDEXES = [GSI.byOwner, GSI.byRef] as const;

function lookupIndex(model: AuthModel, field: string) {
  const index = LOOKUP_INDEXES[(AUTH_LOOKUP_FIELDS[model] as readonly string[]).indexOf(field)];
  if (!index) throw new Error(`${model}.${field} is not a lookup field`);
  return index;
}

/** better-auth's records as JSON (kept exactly as given); lookup fields copied into GSI keys. */
function item(model: AuthModel, record: AuthRecord, insertedAt: string): Record<string, unknown> {
  const lookups: Record<string, string> = {};
  (AUTH_LOOKUP_FIELDS[model] as readonly string[]).forEach((field, i) => {
    const value = record[field];
    const index = LOOKUP_INDEXES[i];
    if (typeof value !== "string" || !index) return;
    lookups[index.pk] = `AUTH#${model}#${field}#${value}`;
    lookups[index.sk] = insertedAt;
  });
  return {
    ...key(model, record.id),
    data: JSON.stringify(record),
    insertedAt,
    ...lookups,
    gsi3pk: `AUTH#${model}`,
    gsi3sk: insertedAt,
  };
}

const parse = (item: Record<string, unknown>) => JSON.parse(String(item.data)) as AuthRecord;

export function createAuthRecordRepo(ctx: TableContext): AuthRecordRepo {
  const { client, tableName: TableName } = ctx;
  return {
    async create(model, record) {
      try {
        await client.send(
          new PutCommand({
            TableName,
            Item: item(model, record, insertionStamp()),
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new Error(`${model} ${record.id} already exists`);
        throw error;
      }
    },
    async get(model, id) {
      const { Item } = await client.send(new GetCommand({ TableName, Key: key(model, id), ConsistentRead: true }));
      return Item ? parse(Item) : null;
    },
    async findBy(model, field, value) {
      return (await queryIndex(ctx, lookupIndex(model, field), `AUTH#${model}#${field}#${value}`)).map(parse);
    },
    async list(model) {
      return (await queryIndex(ctx, GSI.byKind, `AUTH#${model}`)).map(parse);
    },
    async replace(model, record) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: key(model, record.id), ConsistentRead: true }),
      );
      if (!Item) return false;
      try {
        // Keeps its insertion stamp (its place in lists); gone in between means false, as absent.
        await client.send(
          new PutCommand({
            TableName,
            Item: item(model, record, String(Item.insertedAt)),
            ConditionExpression: "attribute_exists(pk)",
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async delete(model, id) {
      return deleteIfPresent(ctx, key(model, id));
    },
  };
}
