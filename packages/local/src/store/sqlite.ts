import type { Store } from "@slipway/core";
import { resolveDatabase, type SqliteDatabase } from "../sqlite/open.ts";
import { createAliasRepo } from "./aliases.ts";
import { createAuthRecordRepo } from "./auth-records.ts";
import { createDeploymentRepo } from "./deployments.ts";
import { createEnvVarRepo } from "./env-vars.ts";
import { createInvitationRepo } from "./invitations.ts";
import { createProjectRepo } from "./projects.ts";
import { createTeamRepo } from "./teams.ts";
import { createApiTokenRepo } from "./tokens.ts";
import { createWebhookDeliveryRepo } from "./webhook-deliveries.ts";

/**
 * The metadata store on a local SQLite file. Pass a path to let the store own the connection, or
 * an open database (from `openSqlite`) to share one file with the queue and the log store; then
 * `close()` leaves the connection to its owner.
 */
export function createSqliteStore(target: string | SqliteDatabase): Store {
  const { db, owned } = resolveDatabase(target);
  return {
    name: "sqlite",
    projects: createProjectRepo(db),
    deployments: createDeploymentRepo(db),
    aliases: createAliasRepo(db),
    envVars: createEnvVarRepo(db),
    webhookDeliveries: createWebhookDeliveryRepo(db),
    tokens: createApiTokenRepo(db),
    authRecords: createAuthRecordRepo(db),
    teams: createTeamRepo(db),
    invitations: createInvitationRepo(db),
    async close() {
      if (owned && db.open) db.close();
    },
  } satisfies Store;
}
