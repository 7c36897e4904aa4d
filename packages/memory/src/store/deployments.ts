import { type Deployment, type DeploymentPatch, type DeploymentRepo, nowIso } from "@slipway/core";
import type { MemoryQueue } from "../queue.ts";
import { by, copy, type ProjectScoped } from "./order.ts";

interface Row {
  deployment: Deployment;
  /** Insertion order, SQLite's rowid: breaks ties between deployments created in one millisecond. */
  rowid: number;
}

function applyPatch(deployment: Deployment, patch: DeploymentPatch = {}): void {
  // `undefined` leaves a field as is, `null` clears it: the SQLite repo's `set_*` flags.
  for (const [field, value] of Object.entries(patch)) {
    if (value !== undefined) Object.assign(deployment, { [field]: value });
  }
}

const oldestFirst = by<Row>(
  (r) => r.deployment.createdAt,
  (r) => r.rowid,
);

export function createMemoryDeploymentRepo(queue: MemoryQueue): DeploymentRepo & ProjectScoped {
  const rows = new Map<string, Row>();
  let rowid = 0;
  const select = (where: (d: Deployment) => boolean) =>
    [...rows.values()]
      .filter((r) => where(r.deployment))
      .sort(oldestFirst)
      .map((r) => copy(r.deployment));

  return {
    dropProject(projectId) {
      for (const [id, row] of rows) if (row.deployment.projectId === projectId) rows.delete(id);
    },
    async create(deployment, outbox = []) {
      // No await between the checks and the writes: the row and its messages land together or
      // not at all, like the SQLite transaction (a reused id is a fault there too).
      if (rows.has(deployment.id)) throw new Error(`deployment ${deployment.id} already exists`);
      rows.set(deployment.id, { deployment: copy(deployment), rowid: ++rowid });
      for (const message of outbox) queue.enqueueNow(message.type, message.payload);
    },
    async get(id) {
      const row = rows.get(id);
      return row ? copy(row.deployment) : null;
    },
    async listByProject(projectId, options = {}) {
      const { before, environment, status, limit } = options;
      let newestFirst = select((d) => d.projectId === projectId).reverse();
      if (before !== undefined) {
        const cursor = newestFirst.findIndex((d) => d.id === before);
        // An unknown cursor pages on to nothing, as SQLite's comparison with NULL does.
        newestFirst = cursor === -1 ? [] : newestFirst.slice(cursor + 1);
      }
      const matching = newestFirst.filter(
        (d) =>
          (environment === undefined || d.environment === environment) && (status === undefined || d.status === status),
      );
      return limit === undefined ? matching : matching.slice(0, limit);
    },
    async listByStatus(statuses) {
      return select((d) => statuses.includes(d.status));
    },
    async transition(id, from, to, patch) {
      const row = rows.get(id);
      if (!row || !from.includes(row.deployment.status)) return false;
      row.deployment.status = to;
      applyPatch(row.deployment, patch);
      row.deployment.updatedAt = nowIso(); // the sweeper's "something wrote to it lately"
      return true;
    },
    async update(id, patch) {
      const row = rows.get(id);
      if (!row) return;
      applyPatch(row.deployment, patch);
      row.deployment.updatedAt = nowIso(); // an empty patch is a heartbeat
    },
    async listWithEnvSnapshot() {
      return select((d) => d.envSnapshot !== null);
    },
  };
}
