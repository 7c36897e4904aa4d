import type { ApiToken, Project, Store, WebhookDelivery } from "@slipway/core";
import type { MemoryQueue } from "../queue.ts";
import { createMemoryAliasRepo } from "./aliases.ts";
import { createMemoryAuthRecordRepo } from "./auth-records.ts";
import { createMemoryDeploymentRepo } from "./deployments.ts";
import { createMemoryEnvVarRepo } from "./env-vars.ts";
import { createMemoryInvitationRepo } from "./invitations.ts";
import { by, copy } from "./order.ts";
import { createMemoryTeamRepo } from "./teams.ts";

/**
 * The Store in memory, with SQLite's compare-and-set semantics (each check and its write happen
 * without yielding to another caller). `queue` receives the deployments' outbox messages, as the
 * SQLite queue in the same file does.
 */
export function createMemoryStore(queue: MemoryQueue): Store {
  const projects = new Map<string, Project>();
  const deliveries = new Map<string, WebhookDelivery>();
  const tokens = new Map<string, ApiToken>();
  const deployments = createMemoryDeploymentRepo(queue);
  const aliases = createMemoryAliasRepo();
  const envVars = createMemoryEnvVarRepo();

  return {
    name: "memory",
    projects: {
      async create(project) {
        if ([...projects.values()].some((p) => p.name === project.name)) return false;
        if (projects.has(project.id)) throw new Error(`project ${project.id} already exists`);
        projects.set(project.id, copy(project));
        return true;
      },
      async get(id) {
        const project = projects.get(id);
        return project ? copy(project) : null;
      },
      async getByName(name) {
        const project = [...projects.values()].find((p) => p.name === name);
        return project ? copy(project) : null;
      },
      async list() {
        return [...projects.values()].sort(by<Project>((p) => p.name)).map(copy);
      },
      async assignUnowned(teamId) {
        const unowned = [...projects.values()].filter((p) => p.teamId === null);
        for (const project of unowned) project.teamId = teamId;
        return unowned.length;
      },
      async updateSecrets(id, patch) {
        const project = projects.get(id);
        if (!project) return;
        if (patch.repoUrl !== undefined && patch.repoUrl !== null) project.repoUrl = patch.repoUrl;
        // null is a value here (no credential any more); only undefined leaves it alone.
        if (patch.repoCredentialEncrypted !== undefined)
          project.repoCredentialEncrypted = patch.repoCredentialEncrypted;
        if (patch.webhookSecretEncrypted !== undefined && patch.webhookSecretEncrypted !== null)
          project.webhookSecretEncrypted = patch.webhookSecretEncrypted;
      },
      async update(id, patch) {
        const project = projects.get(id);
        if (!project) return null;
        // undefined leaves a field alone; null is a value (no install or build command).
        for (const [field, value] of Object.entries(patch)) {
          if (value !== undefined) Object.assign(project, { [field]: value });
        }
        return copy(project);
      },
      async delete(id) {
        // Everything at once, as SQLite's cascade does in one statement.
        if (!projects.delete(id)) return false;
        deployments.dropProject(id);
        aliases.dropProject(id);
        envVars.dropProject(id);
        for (const [key, delivery] of deliveries) if (delivery.projectId === id) deliveries.delete(key);
        return true;
      },
    },
    deployments,
    aliases,
    envVars,
    webhookDeliveries: {
      async record(delivery) {
        if (deliveries.has(delivery.id)) return false;
        deliveries.set(delivery.id, copy(delivery));
        return true;
      },
    },
    tokens: {
      async create(token) {
        if (tokens.has(token.id) || [...tokens.values()].some((t) => t.tokenHash === token.tokenHash)) {
          throw new Error(`token ${token.id} already exists`);
        }
        tokens.set(token.id, copy(token));
      },
      async findByHash(tokenHash) {
        const token = [...tokens.values()].find((t) => t.tokenHash === tokenHash);
        return token ? copy(token) : null;
      },
      async count() {
        return tokens.size;
      },
      async listByUser(userId) {
        return [...tokens.values()]
          .filter((t) => t.userId === userId)
          .sort(by<ApiToken>((t) => t.createdAt))
          .map(copy);
      },
      async delete(id, userId) {
        if (tokens.get(id)?.userId !== userId) return false;
        return tokens.delete(id);
      },
    },
    authRecords: createMemoryAuthRecordRepo(),
    teams: createMemoryTeamRepo(),
    invitations: createMemoryInvitationRepo(),
    async close() {},
  } satisfies Store;
}
