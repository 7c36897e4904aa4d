import { type EnvVar, type EnvVarRepo, newId } from "@slipway/core";
import { by, copy, type ProjectScoped } from "./order.ts";

interface Row {
  envVar: EnvVar;
  rowid: number;
}

/** The SQLite repo's rules, step for step (see packages/local/src/store/env-vars.ts). */
export function createMemoryEnvVarRepo(): EnvVarRepo & ProjectScoped {
  let rows: Row[] = [];
  let rowid = 0;
  const sorted = (where: (v: EnvVar) => boolean, projectFirst: boolean) =>
    rows
      .filter((r) => where(r.envVar))
      .sort(
        by<Row>(
          (r) => (projectFirst ? r.envVar.projectId : ""),
          (r) => r.envVar.key,
          (r) => r.envVar.branch,
          (r) => r.envVar.createdAt,
          (r) => r.rowid,
        ),
      )
      .map((r) => copy(r.envVar));

  return {
    dropProject(projectId) {
      rows = rows.filter((r) => r.envVar.projectId !== projectId);
    },
    async upsert(envVar) {
      if (
        rows.some(
          (r) => r.envVar.id === envVar.id && (r.envVar.key !== envVar.key || r.envVar.branch !== envVar.branch),
        )
      ) {
        // Same id under another key or branch: an edit that renamed the variable, so it goes whole.
        rows = rows.filter((r) => r.envVar.id !== envVar.id);
      }
      const next: Row[] = [];
      for (const row of rows) {
        const v = row.envVar;
        if (v.projectId !== envVar.projectId || v.key !== envVar.key || v.branch !== envVar.branch) {
          next.push(row);
          continue;
        }
        const targets = v.targets.filter((t) => !envVar.targets.includes(t));
        if (targets.length === 0) continue;
        // A survivor that holds the incoming id hands it over and keeps its value under a new one.
        next.push({ rowid: row.rowid, envVar: { ...v, targets, id: v.id === envVar.id ? newId() : v.id } });
      }
      if (next.some((r) => r.envVar.id === envVar.id)) throw new Error(`env var ${envVar.id} already exists`);
      next.push({ envVar: copy(envVar), rowid: ++rowid });
      rows = next;
    },
    async listByProject(projectId) {
      return sorted((v) => v.projectId === projectId, false);
    },
    async delete(projectId, key, filter) {
      // No branch in the filter = every branch; `branch: null` = only the all-branches row.
      const before = rows.length;
      rows = rows.filter(
        (r) =>
          !(
            r.envVar.projectId === projectId &&
            r.envVar.key === key &&
            (filter?.branch === undefined || r.envVar.branch === filter.branch)
          ),
      );
      return before - rows.length;
    },
    async all() {
      return sorted(() => true, true);
    },
  };
}
