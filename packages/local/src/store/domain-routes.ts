import type { DomainRoute } from "@slipway/core";
import type Database from "better-sqlite3";
import { createSqliteChangeStamp } from "./change-stamp.ts";

interface RouteRow {
  hostname: string;
  project_id: string;
  status: DomainRoute["status"];
  redirect_to: string | null;
  challenge: string | null;
  issued_at: string | null;
  not_after: string | null;
}

/**
 * The edge's read of custom domains on the local store: only the fields it routes by, taken out
 * of the record inside SQLite (the certificate chain and key stay unparsed), and a stamp that
 * moves whenever anything in the file may have changed, so the edge can cache per host.
 */
export function createSqliteDomainRoutes(db: Database.Database) {
  const select = db.prepare<[string], RouteRow>(
    `SELECT hostname, project_id, status,
       json_extract(data, '$.redirectTo') AS redirect_to,
       json_extract(data, '$.challenge') AS challenge,
       json_extract(data, '$.certificate.issuedAt') AS issued_at,
       json_extract(data, '$.certificate.notAfter') AS not_after
     FROM domains WHERE hostname = ?`,
  );
  const changeStamp = createSqliteChangeStamp(db);
  return {
    find(hostname: string): DomainRoute | null {
      const row = select.get(hostname);
      if (!row) return null;
      return {
        hostname: row.hostname,
        projectId: row.project_id,
        status: row.status,
        redirectTo: row.redirect_to,
        challenge: row.challenge === null ? null : (JSON.parse(row.challenge) as DomainRoute["challenge"]),
        certificate:
          row.issued_at === null || row.not_after === null
            ? null
            : { issuedAt: row.issued_at, notAfter: row.not_after },
      };
    },
    changeStamp,
  };
}
