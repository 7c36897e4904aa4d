import { type Domain, type DomainPatch, type DomainRepo, type DomainStatus, nowIso } from "@slipway/core";
import type Database from "better-sqlite3";

interface DomainRow {
  hostname: string;
  project_id: string;
  status: string;
  next_attempt_at: string | null;
  data: string;
}

/** The record is the JSON; the columns beside it are copies kept for WHERE and ORDER BY. */
const fromRow = (row: DomainRow): Domain => JSON.parse(row.data) as Domain;
const toRow = (domain: Domain): DomainRow => ({
  hostname: domain.hostname,
  project_id: domain.projectId,
  status: domain.status,
  next_attempt_at: domain.nextAttemptAt,
  data: JSON.stringify(domain),
});

export function createDomainRepo(db: Database.Database): DomainRepo {
  // ON CONFLICT DO NOTHING: of two projects adding one hostname at once, the second sees 0 changes.
  const insert = db.prepare(
    `INSERT INTO domains (hostname, project_id, status, next_attempt_at, data)
     VALUES (@hostname, @project_id, @status, @next_attempt_at, @data) ON CONFLICT (hostname) DO NOTHING`,
  );
  const get = db.prepare<[string], DomainRow>("SELECT * FROM domains WHERE hostname = ?");
  const listByProject = db.prepare<[string], DomainRow>("SELECT * FROM domains WHERE project_id = ? ORDER BY hostname");
  const list = db.prepare<[], DomainRow>("SELECT * FROM domains ORDER BY hostname");
  const write = db.prepare(
    `UPDATE domains SET status = @status, next_attempt_at = @next_attempt_at, data = @data WHERE hostname = @hostname`,
  );
  const remove = db.prepare<[string, string]>("DELETE FROM domains WHERE hostname = ? AND project_id = ?");

  // Read, check and write in one IMMEDIATE transaction: another process's change cannot land between.
  const change = db.transaction(
    (hostname: string, from: readonly DomainStatus[] | null, to: DomainStatus | null, patch: DomainPatch) => {
      const row = get.get(hostname);
      if (!row) return null;
      const current = fromRow(row);
      if (from && !from.includes(current.status)) return null;
      const next: Domain = { ...current, ...definedOnly(patch), updatedAt: nowIso() };
      if (to) next.status = to;
      write.run(toRow(next));
      return next;
    },
  );

  return {
    async create(domain) {
      return insert.run(toRow(domain)).changes === 1;
    },
    async get(hostname) {
      const row = get.get(hostname);
      return row ? fromRow(row) : null;
    },
    async listByProject(projectId) {
      return listByProject.all(projectId).map(fromRow);
    },
    async list() {
      return list.all().map(fromRow);
    },
    async update(hostname, patch) {
      return change.immediate(hostname, null, null, patch);
    },
    async transition(hostname, from, to, patch = {}) {
      return change.immediate(hostname, from, to, patch) !== null;
    },
    async delete(hostname, projectId) {
      return remove.run(hostname, projectId).changes === 1;
    },
  };
}

/** `undefined` in a patch leaves the field alone; `null` is a value (clears it). */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
