import type { LogLine, LogStore } from "@slipway/core";
import type { SqliteDatabase } from "../sqlite/open.ts";
import { runMigrations } from "../store/migrate.ts";

const DEFAULT_READ_LIMIT = 1000;

/**
 * Build logs in the `log_lines` table of a database the caller owns (usually the store's file).
 * `seq` is assigned here, per deployment, inside the write transaction: two appenders (the
 * builder's stdout and its system messages) can never get the same number or leave a gap that a
 * follower reading "after seq N" would skip over.
 */
export function createSqliteLogStore(db: SqliteDatabase): LogStore {
  runMigrations(db);
  const lastSeq = db.prepare<[string], { seq: number | null }>(
    "SELECT max(seq) AS seq FROM log_lines WHERE deployment_id = ?",
  );
  const insert = db.prepare(
    "INSERT INTO log_lines (deployment_id, seq, at, stream, text) VALUES (@deploymentId, @seq, @at, @stream, @text)",
  );
  const read = db.prepare<[string, number, number], LogLine>(
    "SELECT seq, at, stream, text FROM log_lines WHERE deployment_id = ? AND seq > ? ORDER BY seq LIMIT ?",
  );
  const remove = db.prepare<[string]>("DELETE FROM log_lines WHERE deployment_id = ?");

  const append = db.transaction((deploymentId: string, lines: Array<Omit<LogLine, "seq">>) => {
    let seq = lastSeq.get(deploymentId)?.seq ?? 0;
    for (const line of lines) {
      seq += 1;
      insert.run({ deploymentId, seq, at: line.at, stream: line.stream, text: line.text });
    }
  });

  return {
    name: "sqlite",
    async append(deploymentId, lines) {
      if (lines.length > 0) append.immediate(deploymentId, lines);
    },
    async read(deploymentId, afterSeq = 0, limit = DEFAULT_READ_LIMIT) {
      return read.all(deploymentId, afterSeq, limit);
    },
    async deleteDeployment(deploymentId) {
      remove.run(deploymentId);
    },
  };
}
