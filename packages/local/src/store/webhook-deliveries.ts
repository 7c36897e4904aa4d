import type { WebhookDeliveryRepo } from "@slipway/core";
import type Database from "better-sqlite3";

export function createWebhookDeliveryRepo(db: Database.Database): WebhookDeliveryRepo {
  // The primary key is the dedupe: a replayed delivery id inserts nothing, atomically, even when
  // GitHub redelivers while the first attempt is still being handled.
  const insert = db.prepare(
    `INSERT INTO webhook_deliveries (id, project_id, event, received_at, outcome)
     VALUES (@id, @projectId, @event, @receivedAt, @outcome)
     ON CONFLICT (id) DO NOTHING`,
  );
  return {
    async record(delivery) {
      return insert.run(delivery).changes === 1;
    },
  };
}
