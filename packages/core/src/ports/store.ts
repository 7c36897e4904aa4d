import type {
  Alias,
  AliasKind,
  ApiToken,
  AuthModel,
  AuthRecord,
  Deployment,
  DeploymentStatus,
  Domain,
  DomainStatus,
  Environment,
  EnvVar,
  Invitation,
  Project,
  Team,
  TeamMember,
  TeamRole,
  WebhookDelivery,
} from "../domain/model.ts";

/**
 * Metadata storage (SQLite locally, DynamoDB on AWS). Every method is async so both fit.
 * Expected outcomes are return values: `null` for "not found", `false` for "lost a race".
 */
export interface Store {
  readonly name: string;
  readonly projects: ProjectRepo;
  readonly deployments: DeploymentRepo;
  readonly aliases: AliasRepo;
  readonly envVars: EnvVarRepo;
  readonly webhookDeliveries: WebhookDeliveryRepo;
  readonly tokens: ApiTokenRepo;
  readonly authRecords: AuthRecordRepo;
  readonly teams: TeamRepo;
  readonly invitations: InvitationRepo;
  readonly domains: DomainRepo;
  close(): Promise<void>;
}

export interface ProjectRepo {
  /** Returns false when the name is taken. */
  create(project: Project): Promise<boolean>;
  get(id: string): Promise<Project | null>;
  getByName(name: string): Promise<Project | null>;
  list(): Promise<Project[]>;
  /** Gives every project without a team to `teamId` (the first user's); returns how many. */
  assignUnowned(teamId: string): Promise<number>;
  /** Replaces the secret-bearing fields (key rotation, sealing values stored before they were encrypted). */
  updateSecrets(id: string, patch: ProjectSecretsPatch): Promise<void>;
  /** Changes the build settings given in `patch`; the project as it is now, or null when it is gone. */
  update(id: string, patch: ProjectSettingsPatch): Promise<Project | null>;
  /**
   * Deletes the project and every record the store keeps for it (deployments, aliases, env vars,
   * webhook deliveries) at once. Returns false when it was already gone.
   */
  delete(id: string): Promise<boolean>;
}

export type ProjectSettingsPatch = Partial<
  Pick<Project, "productionBranch" | "rootDir" | "installCommand" | "buildCommand" | "nodeVersion">
>;

export type ProjectSecretsPatch = Partial<
  Pick<Project, "repoUrl" | "repoCredentialEncrypted" | "webhookSecretEncrypted">
>;

export type DeploymentPatch = Partial<
  Pick<
    Deployment,
    "statusReason" | "artifactKey" | "envSnapshot" | "buildStartedAt" | "readyAt" | "finishedAt" | "statusReportId"
  >
>;

/** A queue message written with a store change, in one transaction (a transactional outbox). */
export interface OutboxMessage {
  type: string;
  payload: unknown;
}

export interface DeploymentListOptions {
  limit?: number;
  /** The id of the last deployment of the previous page: only older ones follow. */
  before?: string;
  environment?: Environment;
  status?: DeploymentStatus;
}

export interface DeploymentRepo {
  /**
   * Inserts the deployment and, atomically with it, enqueues `outbox` on the platform's Queue
   * (local: the same SQLite file; AWS: one DynamoDB transaction whose stream feeds SQS). A crash
   * can never leave a deployment that no message will ever move.
   */
  create(deployment: Deployment, outbox?: readonly OutboxMessage[]): Promise<void>;
  get(id: string): Promise<Deployment | null>;
  /** Newest first; `before` pages on from a deployment's id (exclusive), filters narrow the page. */
  listByProject(projectId: string, options?: DeploymentListOptions): Promise<Deployment[]>;
  listByStatus(statuses: readonly DeploymentStatus[]): Promise<Deployment[]>;
  /**
   * Compare-and-set on status: moves to `to` only while the status is one of `from`.
   * Returns false when another actor got there first (e.g. a cancel beat the builder).
   */
  transition(
    id: string,
    from: readonly DeploymentStatus[],
    to: DeploymentStatus,
    patch?: DeploymentPatch,
  ): Promise<boolean>;
  /**
   * Changes fields other than status (e.g. clearing `artifactKey` when retention removes it).
   * Like `create` and `transition`, it stamps `updatedAt`: an empty patch is a heartbeat.
   */
  update(id: string, patch: DeploymentPatch): Promise<void>;
  /** Every deployment whose `envSnapshot` is set, of every project, for key rotation. */
  listWithEnvSnapshot(): Promise<Deployment[]>;
}

export interface AliasRepo {
  /**
   * Points `hostname` at a deployment, creating or replacing the row atomically (its `canary`
   * too: a write without one ends any canary on the hostname). A hostname
   * belongs to the project that created it: a set by another project changes nothing and
   * returns false (checked in the same statement as the write, never read-then-write).
   */
  set(alias: Omit<Alias, "updatedAt">): Promise<boolean>;
  /**
   * Compare-and-set: points `hostname` at `alias.deploymentId` (and sets or clears its `canary`,
   * as `set` does) only while it points at
   * `expectedDeploymentId` (`null`: only while the hostname has no row) and belongs to
   * `alias.projectId`. Returns false when another writer moved it first (so a read-then-write can
   * never move an alias backwards) or another project owns it.
   */
  setIf(alias: Omit<Alias, "updatedAt">, expectedDeploymentId: string | null): Promise<boolean>;
  get(hostname: string): Promise<Alias | null>;
  /** Removes the row only while it belongs to `projectId`; false when absent or owned by another. */
  delete(hostname: string, projectId: string): Promise<boolean>;
  listByProject(projectId: string): Promise<Alias[]>;
  listByDeployment(deploymentId: string): Promise<Alias[]>;
  /** The project's production alias, if any. */
  production(projectId: string): Promise<Alias | null>;
}

export interface EnvVarRepo {
  /** Inserts or replaces the variable with the same (project, key, branch) for overlapping targets. */
  upsert(envVar: EnvVar): Promise<void>;
  listByProject(projectId: string): Promise<EnvVar[]>;
  delete(projectId: string, key: string, filter?: { branch?: string | null }): Promise<number>;
  /** Every variable of every project, for key rotation. */
  all(): Promise<EnvVar[]>;
}

export interface WebhookDeliveryRepo {
  /** Records a delivery id; returns false when it was seen before (a replay). */
  record(delivery: WebhookDelivery): Promise<boolean>;
}

export interface ApiTokenRepo {
  create(token: ApiToken): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  count(): Promise<number>;
  /** The user's tokens, oldest first. */
  listByUser(userId: string): Promise<ApiToken[]>;
  /** Deletes the token only while it belongs to `userId`; false when absent or another's. */
  delete(id: string, userId: string): Promise<boolean>;
}

/**
 * better-auth's records (see AUTH_MODELS). `findBy` answers only the lookup fields of
 * AUTH_LOOKUP_FIELDS; other queries list the model (small tables: verifications, one user's rows).
 */
export interface AuthRecordRepo {
  /** Throws when the id exists (a fault: ids are generated). */
  create(model: AuthModel, record: AuthRecord): Promise<void>;
  get(model: AuthModel, id: string): Promise<AuthRecord | null>;
  findBy(model: AuthModel, field: string, value: string): Promise<AuthRecord[]>;
  list(model: AuthModel): Promise<AuthRecord[]>;
  /** Replaces the whole record; false when it is gone. */
  replace(model: AuthModel, record: AuthRecord): Promise<boolean>;
  delete(model: AuthModel, id: string): Promise<boolean>;
}

export interface TeamRepo {
  /** Creates the team with its first member (its owner) at once. */
  create(team: Team, owner: TeamMember): Promise<void>;
  get(id: string): Promise<Team | null>;
  count(): Promise<number>;
  /** The user's teams with the user's role in each, oldest membership first (the first is their default). */
  listForUser(userId: string): Promise<{ team: Team; role: TeamRole }[]>;
  members(teamId: string): Promise<TeamMember[]>;
  member(teamId: string, userId: string): Promise<TeamMember | null>;
  /** Returns false when the user is already a member. */
  addMember(member: TeamMember): Promise<boolean>;
  /** Returns false when the user is not a member. */
  setRole(teamId: string, userId: string, role: TeamRole): Promise<boolean>;
  removeMember(teamId: string, userId: string): Promise<boolean>;
}

export interface InvitationRepo {
  create(invitation: Invitation): Promise<void>;
  get(id: string): Promise<Invitation | null>;
  findByHash(tokenHash: string): Promise<Invitation | null>;
  /** Invitations not yet accepted, oldest first. */
  listOpen(teamId: string): Promise<Invitation[]>;
  /** Compare-and-set: marks it accepted by `userId` only while nobody has; false when used up or gone. */
  accept(id: string, userId: string): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export type DomainPatch = Partial<
  Pick<Domain, "redirectTo" | "statusReason" | "certificate" | "challenge" | "nextAttemptAt" | "failedAttempts">
>;

export interface DomainRepo {
  /** Returns false when the hostname is held already, by any project: a domain has one owner. */
  create(domain: Domain): Promise<boolean>;
  get(hostname: string): Promise<Domain | null>;
  /** Sorted by hostname. */
  listByProject(projectId: string): Promise<Domain[]>;
  /** Every domain, sorted by hostname (the edge's certificates, the renewal sweep). */
  list(): Promise<Domain[]>;
  /** Changes the fields in `patch` (stamping `updatedAt`); the domain as it is now, or null when gone. */
  update(hostname: string, patch: DomainPatch): Promise<Domain | null>;
  /** Compare-and-set on status, like deployments: false when the status is not one of `from`. */
  transition(hostname: string, from: readonly DomainStatus[], to: DomainStatus, patch?: DomainPatch): Promise<boolean>;
  /** Removes the row only while it belongs to `projectId`; false when absent or owned by another. */
  delete(hostname: string, projectId: string): Promise<boolean>;
}

export type { AliasKind };
