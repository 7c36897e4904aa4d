import type {
  Alias,
  AliasCanary,
  AliasKind,
  ApiToken,
  EnvTarget,
  EnvVar,
  NodeVersion,
  Project,
  TeamRole,
} from "@slipway/core";

// Rows ↔ domain objects. Column names are snake_case; the CHECK constraints in the migrations
// guarantee the enum columns, so the casts below only restate what SQLite already enforces.

export function columns<Row>(all: Record<keyof Row, true>): string[] {
  return Object.keys(all);
}

/** `INSERT INTO t (a, b) VALUES (@a, @b)`: named parameters, so rows bind as objects. */
export function insertSql(table: string, cols: string[]): string {
  return `INSERT INTO ${table} (${cols.join(", ")}) VALUES (${cols.map((c) => `@${c}`).join(", ")})`;
}

export interface ProjectRow {
  id: string;
  name: string;
  repo_url: string;
  production_branch: string;
  root_dir: string;
  install_command: string | null;
  build_command: string | null;
  /** "20" | "22" | "24" (CHECK constraint in migration 6). */
  node_version: string;
  /** Holds the ciphertext (the column predates encryption; see seal-project-secrets.ts). */
  webhook_secret: string;
  repo_credential_encrypted: string | null;
  team_id: string | null;
  created_at: string;
}

export const PROJECT_COLUMNS = columns<ProjectRow>({
  id: true,
  name: true,
  repo_url: true,
  production_branch: true,
  root_dir: true,
  install_command: true,
  build_command: true,
  node_version: true,
  webhook_secret: true,
  repo_credential_encrypted: true,
  team_id: true,
  created_at: true,
});

export function projectFromRow(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    repoUrl: row.repo_url,
    repoCredentialEncrypted: row.repo_credential_encrypted,
    productionBranch: row.production_branch,
    rootDir: row.root_dir,
    installCommand: row.install_command,
    buildCommand: row.build_command,
    nodeVersion: row.node_version as NodeVersion,
    webhookSecretEncrypted: row.webhook_secret,
    teamId: row.team_id,
    createdAt: row.created_at,
  };
}

export function projectToRow(p: Project): ProjectRow {
  return {
    id: p.id,
    name: p.name,
    repo_url: p.repoUrl,
    production_branch: p.productionBranch,
    root_dir: p.rootDir,
    install_command: p.installCommand,
    build_command: p.buildCommand,
    node_version: p.nodeVersion,
    webhook_secret: p.webhookSecretEncrypted,
    repo_credential_encrypted: p.repoCredentialEncrypted,
    team_id: p.teamId,
    created_at: p.createdAt,
  };
}

export interface AliasRow {
  hostname: string;
  project_id: string;
  deployment_id: string;
  kind: string;
  updated_at: string;
  /** JSON of an AliasCanary; null without a canary. */
  canary: string | null;
}

export function aliasFromRow(row: AliasRow): Alias {
  return {
    hostname: row.hostname,
    projectId: row.project_id,
    deploymentId: row.deployment_id,
    kind: row.kind as AliasKind,
    updatedAt: row.updated_at,
    ...(row.canary ? { canary: JSON.parse(row.canary) as AliasCanary } : {}),
  };
}

export interface EnvVarRow {
  id: string;
  project_id: string;
  key: string;
  value_encrypted: string;
  /** JSON array. */
  targets: string;
  branch: string | null;
  secret: 0 | 1;
  created_at: string;
  updated_at: string;
}

export const ENV_VAR_COLUMNS = columns<EnvVarRow>({
  id: true,
  project_id: true,
  key: true,
  value_encrypted: true,
  targets: true,
  branch: true,
  secret: true,
  created_at: true,
  updated_at: true,
});

export function envVarFromRow(row: EnvVarRow): EnvVar {
  return {
    id: row.id,
    projectId: row.project_id,
    key: row.key,
    valueEncrypted: row.value_encrypted,
    targets: JSON.parse(row.targets) as EnvTarget[],
    branch: row.branch,
    secret: row.secret === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function envVarToRow(v: EnvVar): EnvVarRow {
  return {
    id: v.id,
    project_id: v.projectId,
    key: v.key,
    value_encrypted: v.valueEncrypted,
    targets: JSON.stringify(v.targets),
    branch: v.branch,
    secret: v.secret ? 1 : 0,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
  };
}

export interface ApiTokenRow {
  id: string;
  name: string;
  token_hash: string;
  created_at: string;
  user_id: string | null;
  team_id: string | null;
  /** NULL or a TeamRole (CHECK constraint in migration 7). */
  role: string | null;
  expires_at: string | null;
}

export function apiTokenFromRow(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    userId: row.user_id,
    teamId: row.team_id,
    role: row.role as TeamRole | null,
    expiresAt: row.expires_at,
  };
}
