export interface Migration {
  /** 1, 2, 3, … in order: the database's `user_version` is the last one applied. */
  version: number;
  name: string;
  sql: string;
}

/**
 * The schema of the local SQLite file, shared by the store, the queue and the log store.
 * Append only: a released migration is never edited, a change is a new entry.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "store tables",
    sql: `
      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        repo_url TEXT NOT NULL,
        production_branch TEXT NOT NULL,
        root_dir TEXT NOT NULL,
        install_command TEXT,
        build_command TEXT,
        webhook_secret TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE deployments (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        environment TEXT NOT NULL CHECK (environment IN ('production', 'preview')),
        status TEXT NOT NULL
          CHECK (status IN ('queued', 'building', 'deploying', 'ready', 'error', 'canceled')),
        status_reason TEXT,
        commit_sha TEXT NOT NULL,
        commit_branch TEXT,
        commit_message TEXT,
        commit_author TEXT,
        trigger TEXT NOT NULL,
        artifact_key TEXT,
        env_snapshot TEXT,
        created_at TEXT NOT NULL,
        build_started_at TEXT,
        ready_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX deployments_by_project ON deployments (project_id, created_at);
      CREATE INDEX deployments_by_status ON deployments (status);
      CREATE TABLE aliases (
        hostname TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        deployment_id TEXT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('deployment', 'branch', 'production', 'custom')),
        updated_at TEXT NOT NULL
      );
      CREATE INDEX aliases_by_project ON aliases (project_id, kind);
      CREATE INDEX aliases_by_deployment ON aliases (deployment_id);
      CREATE TABLE env_vars (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value_encrypted TEXT NOT NULL,
        targets TEXT NOT NULL, -- JSON array of EnvTarget
        branch TEXT,
        secret INTEGER NOT NULL CHECK (secret IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX env_vars_by_key ON env_vars (project_id, key);
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        event TEXT NOT NULL,
        received_at TEXT NOT NULL,
        outcome TEXT NOT NULL
      );
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "job queue",
    sql: `
      CREATE TABLE queue_jobs (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        payload TEXT NOT NULL, -- JSON
        attempts INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'dead')),
        run_at INTEGER NOT NULL, -- epoch ms: not claimable before
        locked_until INTEGER, -- epoch ms: lease end while a worker holds it
        last_error TEXT,
        enqueued_at TEXT NOT NULL
      );
      CREATE INDEX queue_jobs_ready ON queue_jobs (state, run_at);
    `,
  },
  {
    version: 3,
    name: "build logs",
    sql: `
      CREATE TABLE log_lines (
        deployment_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
        text TEXT NOT NULL,
        PRIMARY KEY (deployment_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: "repository credentials",
    // Encrypted `user:token` split off repository URLs. The start of the platform moves any
    // credential still inside repo_url here, and encrypts webhook secrets stored in plaintext.
    sql: `
      ALTER TABLE projects ADD COLUMN repo_credential_encrypted TEXT;
    `,
  },
  {
    version: 5,
    name: "deployment heartbeat and status report id",
    // updated_at: stamped by every transition and update, so the pipeline's sweeper can tell an
    // unfinished deployment nothing moves. status_report_id: the GitHub deployment every process
    // reports to.
    sql: `
      ALTER TABLE deployments ADD COLUMN updated_at TEXT;
      ALTER TABLE deployments ADD COLUMN status_report_id TEXT;
    `,
  },
  {
    version: 6,
    name: "project node version",
    // The Node.js major version a project builds and runs on; projects made before it get the
    // default ("22"), the version their builds ran on from this migration on.
    sql: `
      ALTER TABLE projects ADD COLUMN node_version TEXT NOT NULL DEFAULT '22'
        CHECK (node_version IN ('20', '22', '24'));
    `,
  },
  {
    version: 7,
    name: "accounts and teams",
    // better-auth's records (users, sessions, accounts, verifications) as JSON with a column per
    // lookup field; teams, members, invitations; API tokens that act for a user in one team; the
    // team of every project (null: made by the admin token before the first user, who gets them).
    sql: `
      CREATE TABLE auth_records (
        model TEXT NOT NULL CHECK (model IN ('user', 'session', 'account', 'verification')),
        id TEXT NOT NULL,
        data TEXT NOT NULL, -- JSON
        lookup1 TEXT, -- user.email, session.token, account.userId, verification.identifier
        lookup2 TEXT, -- session.userId, account.accountId
        PRIMARY KEY (model, id)
      );
      CREATE INDEX auth_records_lookup1 ON auth_records (model, lookup1);
      CREATE INDEX auth_records_lookup2 ON auth_records (model, lookup2);
      CREATE TABLE teams (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE team_members (
        team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'owner')),
        created_at TEXT NOT NULL,
        PRIMARY KEY (team_id, user_id)
      );
      CREATE INDEX team_members_by_user ON team_members (user_id, created_at);
      CREATE TABLE invitations (
        id TEXT PRIMARY KEY,
        team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'owner')),
        token_hash TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        accepted_by TEXT
      );
      CREATE INDEX invitations_by_team ON invitations (team_id, created_at);
      ALTER TABLE api_tokens ADD COLUMN user_id TEXT;
      ALTER TABLE api_tokens ADD COLUMN team_id TEXT;
      ALTER TABLE api_tokens ADD COLUMN role TEXT CHECK (role IN ('viewer', 'member', 'owner'));
      ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
      CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);
      ALTER TABLE projects ADD COLUMN team_id TEXT;
      CREATE INDEX projects_by_team ON projects (team_id, name);
      `,
  },
  {
    version: 8,
    name: "custom domains",
    // One row per hostname (the primary key: one owner project). The columns the sweep and the
    // edge select by are columns; the rest of the record (certificate with its encrypted key,
    // challenge, verification token) is JSON, read and rewritten inside one transaction.
    sql: `
      CREATE TABLE domains (
        hostname TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'issuing', 'active', 'failed')),
        next_attempt_at TEXT,
        data TEXT NOT NULL -- JSON: the Domain record
      );
      CREATE INDEX domains_by_project ON domains (project_id);
    `,
  },
  {
    version: 9,
    name: "canary releases",
    // JSON of the alias's AliasCanary, null without one: read and written only with its alias row.
    sql: `
      ALTER TABLE aliases ADD COLUMN canary TEXT;
    `,
  },
];
