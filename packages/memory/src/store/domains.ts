import { type Domain, type DomainPatch, type DomainRepo, nowIso } from "@slipway/core";
import { by, copy, type ProjectScoped } from "./order.ts";

/** The SQLite repo's rules (see packages/local/src/store/domains.ts), in memory. */
export function createMemoryDomainRepo(): DomainRepo & ProjectScoped {
  const rows = new Map<string, Domain>();
  const sorted = (where: (d: Domain) => boolean) =>
    [...rows.values()]
      .filter(where)
      .sort(by<Domain>((d) => d.hostname))
      .map(copy);
  const apply = (domain: Domain, patch: DomainPatch) => {
    for (const [field, value] of Object.entries(patch)) {
      if (value !== undefined) Object.assign(domain, { [field]: copy(value) });
    }
    domain.updatedAt = nowIso();
  };

  return {
    dropProject(projectId) {
      for (const [hostname, d] of rows) if (d.projectId === projectId) rows.delete(hostname);
    },
    async create(domain) {
      if (rows.has(domain.hostname)) return false;
      rows.set(domain.hostname, copy(domain));
      return true;
    },
    async get(hostname) {
      const domain = rows.get(hostname);
      return domain ? copy(domain) : null;
    },
    async listByProject(projectId) {
      return sorted((d) => d.projectId === projectId);
    },
    async list() {
      return sorted(() => true);
    },
    async update(hostname, patch) {
      const domain = rows.get(hostname);
      if (!domain) return null;
      apply(domain, patch);
      return copy(domain);
    },
    async transition(hostname, from, to, patch = {}) {
      const domain = rows.get(hostname);
      if (!domain || !from.includes(domain.status)) return false;
      apply(domain, patch);
      domain.status = to;
      return true;
    },
    async delete(hostname, projectId) {
      if (rows.get(hostname)?.projectId !== projectId) return false;
      return rows.delete(hostname);
    },
  };
}
