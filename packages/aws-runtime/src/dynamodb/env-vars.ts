import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import { type EnvVar, type EnvVarRepo, newId } from "@slipway/core";
import { deleteIfPresent, failedConditions, queryAll, queryIndex, type TableContext } from "./client.ts";
import { ownedBy } from "./projects.ts";
import { entityOf, GSI, insertionStamp } from "./table.ts";

/** A project's variables share one partition, so an upsert reads them all with one consistent query. */
const partition = (projectId: string) => `ENVS#${projectId}`;
const VAR_PREFIX = "ENV#";
/** One item per (key, branch): every upsert of that pair bumps it, so two upserts never interleave. */
const groupKey = (v: Pick<EnvVar, "projectId" | "key" | "branch">) => ({
  pk: partition(v.projectId),
  sk: `GROUP#${v.key}#${v.branch === null ? "" : `=${v.branch}`}`,
});

type Item = Record<string, unknown> & { revision?: number };
type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

function itemOf(envVar: EnvVar, insertedAt: unknown, revision: number): Item {
  return {
    ...envVar,
    pk: partition(envVar.projectId),
    sk: `${VAR_PREFIX}${envVar.id}`,
    insertedAt,
    revision,
    gsi1pk: ownedBy(envVar.projectId),
    gsi1sk: `${VAR_PREFIX}${envVar.id}`,
    gsi3pk: "ENVVARS",
    gsi3sk: `${envVar.projectId}#${envVar.id}`,
  };
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
/** SQLite's ORDER BY key, branch, created_at, rowid (NULL first, binary order). */
function compareItems(a: Item, b: Item, projectFirst: boolean): number {
  const keys = [projectFirst ? "projectId" : "", "key", "branch", "createdAt", "insertedAt"];
  for (const field of keys) {
    if (field === "") continue;
    const [x, y] = [text(a[field]), text(b[field])];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const ATTEMPTS = 8;

/** The SQLite repo's rules (packages/local/src/store/env-vars.ts), as one transaction per upsert. */
export function createEnvVarRepo(ctx: TableContext): EnvVarRepo {
  const { client, tableName: TableName } = ctx;
  const read = (projectId: string) =>
    queryAll(ctx, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": partition(projectId), ":prefix": VAR_PREFIX },
      ConsistentRead: true,
    }) as Promise<Item[]>;
  const readGroup = async (v: EnvVar) => {
    const items = (await queryAll(ctx, {
      KeyConditionExpression: "pk = :pk AND sk = :sk",
      ExpressionAttributeValues: { ":pk": groupKey(v).pk, ":sk": groupKey(v).sk },
      ConsistentRead: true,
    })) as Item[];
    return items[0]?.revision;
  };

  /** One attempt: read, decide as the SQLite repo does, write it all under revision checks. */
  const attempt = async (envVar: EnvVar) => {
    const [rows, groupRevision] = await Promise.all([read(envVar.projectId), readGroup(envVar)]);
    const writes = new Map<string, TransactItem>();
    const unchanged = (row: Item) => ({
      ConditionExpression: "revision = :rev",
      ExpressionAttributeValues: { ":rev": row.revision },
    });
    const remove = (row: Item) =>
      writes.set(String(row.sk), { Delete: { TableName, Key: { pk: row.pk, sk: row.sk }, ...unchanged(row) } });
    const put = (row: Item, previous: Item | null) =>
      writes.set(String(row.sk), {
        Put: {
          TableName,
          Item: row,
          ...(previous ? unchanged(previous) : { ConditionExpression: "attribute_not_exists(pk)" }),
        },
      });

    let kept: Item[] = [];
    for (const row of rows) {
      const v = entityOf<EnvVar>(row);
      if (v.id === envVar.id && (v.key !== envVar.key || v.branch !== envVar.branch)) {
        // Same id under another key or branch: an edit that renamed the variable, so it goes whole.
        remove(row);
        continue;
      }
      if (v.key !== envVar.key || v.branch !== envVar.branch) {
        kept.push(row);
        continue;
      }
      const targets = v.targets.filter((t) => !envVar.targets.includes(t));
      if (targets.length === 0) {
        remove(row);
      } else if (v.id === envVar.id) {
        // A survivor that holds the incoming id hands it over and keeps its value under a new one.
        remove(row);
        const moved = itemOf({ ...v, targets, id: newId() }, row.insertedAt, 1);
        put(moved, null);
        kept.push(moved);
      } else {
        const narrowed = itemOf({ ...v, targets }, row.insertedAt, Number(row.revision) + 1);
        put(narrowed, row);
        kept.push(narrowed);
      }
    }
    kept = kept.filter((row) => row.id === envVar.id);
    if (kept.length > 0) throw new Error(`env var ${envVar.id} already exists`);
    const incoming = itemOf(envVar, insertionStamp(), 1);
    const replaced = rows.find((row) => row.sk === incoming.sk);
    put(incoming, replaced && writes.has(String(replaced.sk)) ? replaced : null);
    const group = groupKey(envVar);
    writes.set(group.sk, {
      Put: {
        TableName,
        Item: { ...group, revision: (groupRevision ?? 0) + 1, gsi1pk: ownedBy(envVar.projectId), gsi1sk: group.sk },
        ...(groupRevision === undefined
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : { ConditionExpression: "revision = :rev", ExpressionAttributeValues: { ":rev": groupRevision } }),
      },
    });
    await client.send(new TransactWriteCommand({ TransactItems: [...writes.values()] }));
  };

  return {
    async upsert(envVar) {
      for (let n = 1; ; n += 1) {
        try {
          await attempt(envVar);
          return;
        } catch (error) {
          const lostRace =
            failedConditions(error) !== null || (error as { name?: string }).name === "TransactionCanceledException";
          if (!lostRace || n >= ATTEMPTS) throw error;
        }
      }
    },
    async listByProject(projectId) {
      return (await read(projectId)).sort((a, b) => compareItems(a, b, false)).map((i) => entityOf<EnvVar>(i));
    },
    async delete(projectId, key, filter) {
      // No branch in the filter = every branch; `branch: null` = only the all-branches row.
      const doomed = (await read(projectId)).filter(
        (row) => row.key === key && (filter?.branch === undefined || row.branch === filter.branch),
      );
      let removed = 0;
      for (const row of doomed) {
        if (await deleteIfPresent(ctx, { pk: String(row.pk), sk: String(row.sk) })) removed += 1;
      }
      return removed;
    },
    async all() {
      const items = (await queryIndex(ctx, GSI.byKind, "ENVVARS")) as Item[];
      return items.sort((a, b) => compareItems(a, b, true)).map((i) => entityOf<EnvVar>(i));
    },
  };
}
