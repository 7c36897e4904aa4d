import type { AuthModel, AuthRecord, AuthRecordRepo } from "@slipway/core";
import { copy } from "./order.ts";

/** better-auth's records in memory, one map per model; `findBy` scans, as the data is small. */
export function createMemoryAuthRecordRepo(): AuthRecordRepo {
  const models = new Map<AuthModel, Map<string, AuthRecord>>();
  const table = (model: AuthModel) => {
    let rows = models.get(model);
    if (!rows) {
      rows = new Map();
      models.set(model, rows);
    }
    return rows;
  };
  return {
    async create(model, record) {
      const rows = table(model);
      if (rows.has(record.id)) throw new Error(`${model} ${record.id} already exists`);
      rows.set(record.id, copy(record));
    },
    async get(model, id) {
      const record = table(model).get(id);
      return record ? copy(record) : null;
    },
    async findBy(model, field, value) {
      return [...table(model).values()].filter((r) => r[field] === value).map(copy);
    },
    async list(model) {
      return [...table(model).values()].map(copy);
    },
    async replace(model, record) {
      const rows = table(model);
      if (!rows.has(record.id)) return false;
      rows.set(record.id, copy(record));
      return true;
    },
    async delete(model, id) {
      return table(model).delete(id);
    },
  };
}
