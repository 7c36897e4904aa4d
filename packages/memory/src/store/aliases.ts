import { type Alias, type AliasRepo, nowIso } from "@slipway/core";
import { by, copy, type ProjectScoped } from "./order.ts";

const byHostname = by<Alias>((a) => a.hostname);

/** Each method checks and writes without yielding, so it is as atomic as the SQLite statement. */
export function createMemoryAliasRepo(): AliasRepo & ProjectScoped {
  const rows = new Map<string, Alias>();
  const select = (where: (a: Alias) => boolean) => [...rows.values()].filter(where).sort(byHostname).map(copy);

  return {
    dropProject(projectId) {
      for (const [hostname, alias] of rows) if (alias.projectId === projectId) rows.delete(hostname);
    },
    async set(alias) {
      const existing = rows.get(alias.hostname);
      // A hostname belongs to the project that created it.
      if (existing && existing.projectId !== alias.projectId) return false;
      rows.set(alias.hostname, { ...copy(alias), updatedAt: nowIso() });
      return true;
    },
    async setIf(alias, expectedDeploymentId) {
      const existing = rows.get(alias.hostname);
      if (expectedDeploymentId === null) {
        if (existing) return false;
        rows.set(alias.hostname, { ...copy(alias), updatedAt: nowIso() });
        return true;
      }
      if (!existing || existing.deploymentId !== expectedDeploymentId || existing.projectId !== alias.projectId) {
        return false;
      }
      rows.set(alias.hostname, { ...copy(alias), updatedAt: nowIso() });
      return true;
    },
    async get(hostname) {
      const row = rows.get(hostname);
      return row ? copy(row) : null;
    },
    async delete(hostname, projectId) {
      if (rows.get(hostname)?.projectId !== projectId) return false;
      return rows.delete(hostname);
    },
    async listByProject(projectId) {
      return select((a) => a.projectId === projectId);
    },
    async listByDeployment(deploymentId) {
      return select((a) => a.deploymentId === deploymentId);
    },
    async production(projectId) {
      const [newest] = [...rows.values()]
        .filter((a) => a.projectId === projectId && a.kind === "production")
        .sort(by<Alias>((a) => a.hostname))
        .sort((a, b) => (a.updatedAt === b.updatedAt ? 0 : a.updatedAt > b.updatedAt ? -1 : 1));
      return newest ? copy(newest) : null;
    },
  };
}
