import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Store } from "@slipway/core";
import { createAliasRepo } from "./aliases.ts";
import { createAuthRecordRepo } from "./auth-records.ts";
import type { TableContext } from "./client.ts";
import { createDeploymentRepo } from "./deployments.ts";
import { createDomainRepo } from "./domains.ts";
import { createEnvVarRepo } from "./env-vars.ts";
import { createInvitationRepo } from "./invitations.ts";
import { createProjectRepo } from "./projects.ts";
import { createTeamRepo } from "./teams.ts";
import { createTokenRepo } from "./tokens.ts";
import { createWebhookDeliveryRepo } from "./webhook-deliveries.ts";

export interface DynamoStoreOptions {
  /** The single table (see storeTableDefinition and docs/aws.md). */
  readonly tableName: string;
  /** The SDK client's config (region, endpoint for DynamoDB Local, credentials). */
  readonly client: DynamoDBClientConfig;
  /** How long a webhook delivery id is remembered for dedupe. @default 30 days */
  readonly deliveryTtlSeconds?: number;
}

const DEFAULT_DELIVERY_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The Store on one DynamoDB table. Every compare-and-set of the port is a condition expression
 * on the written item (or a TransactWriteItems), never a read-then-write.
 */
export function createDynamoStore(options: DynamoStoreOptions): Store {
  const raw = new DynamoDBClient(options.client);
  const client = DynamoDBDocumentClient.from(raw, {
    // Optional fields (updatedAt, statusReportId) are absent rather than undefined.
    marshallOptions: { removeUndefinedValues: true },
  });
  const ctx: TableContext = { client, tableName: options.tableName };
  return {
    name: "dynamodb",
    projects: createProjectRepo(ctx),
    deployments: createDeploymentRepo(ctx),
    aliases: createAliasRepo(ctx),
    envVars: createEnvVarRepo(ctx),
    webhookDeliveries: createWebhookDeliveryRepo(ctx, options.deliveryTtlSeconds ?? DEFAULT_DELIVERY_TTL_SECONDS),
    tokens: createTokenRepo(ctx),
    authRecords: createAuthRecordRepo(ctx),
    teams: createTeamRepo(ctx),
    invitations: createInvitationRepo(ctx),
    domains: createDomainRepo(ctx),
    async close() {
      client.destroy();
    },
  } satisfies Store;
}
