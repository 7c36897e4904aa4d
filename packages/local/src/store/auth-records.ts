import { AUTH_LOOKUP_FIELDS, type AuthModel, type AuthRecord, type AuthRecordRepo } from "@slipway/core";
import type Database from "better-sqlite3";

interface AuthRecordRow {
  data: string;
}

/** Which column holds a lookup field: its place in AUTH_LOOKUP_FIELDS (lookup1, lookup2). */
function lookupColumn(model: AuthModel, field: string): "lookup1" | "lookup2" {
  const index = (AUTH_LOOKUP_FIELDS[model] as readonly string[]).indexOf(field);
  if (index === 0) return "lookup1";
  if (index === 1) return "lookup2";
  throw new Error(`${model}.${field} is not a lookup field`);
}

function lookups(model: AuthModel, record: AuthRecord) {
  const [first, second] = AUTH_LOOKUP_FIELDS[model] as readonly string[];
  const value = (field: string | undefined) => {
    const v = field === undefined ? undefined : record[field];
    return typeof v === "string" ? v : null;
  };
  return { lookup1: value(first), lookup2: value(second) };
}

/** better-auth's records as JSON rows; lookup fields are copied into indexed columns. */
export function createAuthRecordRepo(db: Database.Database): AuthRecordRepo {
  const insert = db.prepare(
    "INSERT INTO auth_records (model, id, data, lookup1, lookup2) VALUES (@model, @id, @data, @lookup1, @lookup2)",
  );
  const get = db.prepare<[string, string], AuthRecordRow>("SELECT data FROM auth_records WHERE model = ? AND id = ?");
  const by1 = db.prepare<[string, string], AuthRecordRow>(
    "SELECT data FROM auth_records WHERE model = ? AND lookup1 = ? ORDER BY rowid",
  );
  const by2 = db.prepare<[string, string], AuthRecordRow>(
    "SELECT data FROM auth_records WHERE model = ? AND lookup2 = ? ORDER BY rowid",
  );
  const list = db.prepare<[string], AuthRecordRow>("SELECT data FROM auth_records WHERE model = ? ORDER BY rowid");
  const replace = db.prepare(
    "UPDATE auth_records SET data = @data, lookup1 = @lookup1, lookup2 = @lookup2 WHERE model = @model AND id = @id",
  );
  const remove = db.prepare<[string, string]>("DELETE FROM auth_records WHERE model = ? AND id = ?");
  const parse = (row: AuthRecordRow) => JSON.parse(row.data) as AuthRecord;
  const bind = (model: AuthModel, record: AuthRecord) => ({
    model,
    id: record.id,
    data: JSON.stringify(record),
    ...lookups(model, record),
  });

  return {
    async create(model, record) {
      insert.run(bind(model, record));
    },
    async get(model, id) {
      const row = get.get(model, id);
      return row ? parse(row) : null;
    },
    async findBy(model, field, value) {
      const statement = lookupColumn(model, field) === "lookup1" ? by1 : by2;
      return statement.all(model, value).map(parse);
    },
    async list(model) {
      return list.all(model).map(parse);
    },
    async replace(model, record) {
      return replace.run(bind(model, record)).changes === 1;
    },
    async delete(model, id) {
      return remove.run(model, id).changes === 1;
    },
  };
}
