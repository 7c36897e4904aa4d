import { AUTH_LOOKUP_FIELDS, AUTH_MODELS, type AuthModel, type AuthRecord, type AuthRecordRepo } from "@slipway/core";
import { type CleanedWhere, createAdapterFactory } from "better-auth/adapters";
import { matchesWhere } from "./where.ts";

/**
 * better-auth's database adapter over the platform's Store port (`store.authRecords`), so
 * accounts live wherever the Store does: SQLite locally, DynamoDB on AWS, memory in tests.
 *
 * Each query is narrowed to candidates through the Store's cheap paths (an equality on `id`, or
 * on a lookup field such as user.email or session.token), then filtered by the full where clause
 * here. Only queries without such an equality list the model.
 */
export function storeAdapter(records: AuthRecordRepo) {
  const candidates = async (model: AuthModel, where: readonly CleanedWhere[] = []): Promise<AuthRecord[]> => {
    // An OR anywhere widens the match beyond one equality: only an all-AND clause can narrow.
    const narrowable = where.every((w) => w.connector !== "OR");
    const equalities = narrowable
      ? where.filter((w) => w.operator === "eq" && typeof w.value === "string" && w.mode !== "insensitive")
      : [];
    const byId = equalities.find((w) => w.field === "id");
    if (byId) {
      const record = await records.get(model, byId.value as string);
      return record ? [record] : [];
    }
    const lookup = equalities.find((w) => (AUTH_LOOKUP_FIELDS[model] as readonly string[]).includes(w.field));
    if (lookup) return records.findBy(model, lookup.field, lookup.value as string);
    return records.list(model);
  };
  const find = async (model: string, where: readonly CleanedWhere[] = []) => {
    const m = authModel(model);
    return (await candidates(m, where)).filter((r) => matchesWhere(r, where));
  };

  return createAdapterFactory({
    config: {
      adapterId: "slipway-store",
      adapterName: "Slipway Store",
      usePlural: false,
      // Records are JSON: dates travel as ISO strings, which also sort and compare in time order.
      supportsDates: false,
      supportsBooleans: true,
      supportsJSON: true,
      supportsArrays: false,
      // The Store has no multi-record transaction; better-auth then runs the steps one by one.
      transaction: false,
    },
    adapter: () => ({
      async create({ model, data }) {
        const record = data as AuthRecord;
        await records.create(authModel(model), record);
        return data;
      },
      async findOne({ model, where }) {
        return ((await find(model, where))[0] ?? null) as never;
      },
      async findMany({ model, where, limit, offset, sortBy }) {
        let rows = await find(model, where);
        if (sortBy) {
          const direction = sortBy.direction === "desc" ? -1 : 1;
          rows = rows.sort((a, b) => direction * compare(a[sortBy.field], b[sortBy.field]));
        }
        return rows.slice(offset ?? 0, (offset ?? 0) + (limit ?? rows.length)) as never[];
      },
      async count({ model, where }) {
        return (await find(model, where)).length;
      },
      async update({ model, where, update }) {
        const [first] = await find(model, where);
        if (!first) return null;
        const next = { ...first, ...(update as Record<string, unknown>), id: first.id };
        return ((await records.replace(authModel(model), next)) ? next : null) as never;
      },
      async updateMany({ model, where, update }) {
        let changed = 0;
        for (const row of await find(model, where)) {
          if (await records.replace(authModel(model), { ...row, ...update, id: row.id })) changed += 1;
        }
        return changed;
      },
      async delete({ model, where }) {
        const [first] = await find(model, where);
        if (first) await records.delete(authModel(model), first.id);
      },
      async deleteMany({ model, where }) {
        let deleted = 0;
        for (const row of await find(model, where)) if (await records.delete(authModel(model), row.id)) deleted += 1;
        return deleted;
      },
    }),
  });
}

function authModel(model: string): AuthModel {
  if ((AUTH_MODELS as readonly string[]).includes(model)) return model as AuthModel;
  // A plugin with its own tables would need them added to the Store first.
  throw new Error(`better-auth model "${model}" is not kept by the Store`);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  return (a as number) < (b as number) ? -1 : 1;
}
