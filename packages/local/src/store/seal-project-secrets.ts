import {
  type Project,
  type ProjectSecretsPatch,
  type RepoCredential,
  repoToken,
  type Secrets,
  sealRepoCredential,
  splitRepoCredential,
} from "@slipway/core";
import { keyIdOfCiphertext } from "../secrets/ciphertext.ts";
import type { SqliteDatabase } from "../sqlite/open.ts";
import { createProjectRepo } from "./projects.ts";

/**
 * Encrypts what databases written before schema 4 kept in plaintext: webhook secrets, and tokens
 * inside repository URLs (`https://user:token@host/...`), which also move out of the URL and are
 * scrubbed from status reasons, build logs and job errors that echoed them. Then the file is
 * vacuumed and the WAL truncated, so no old copy of a page keeps the plaintext.
 * Runs at every start (a no-op once done) and before a key rotation. Returns how many projects
 * it changed.
 */
export async function sealProjectSecrets(db: SqliteDatabase, secrets: Secrets): Promise<number> {
  const projects = createProjectRepo(db);
  let sealed = 0;
  for (const project of await projects.list()) {
    const patch: ProjectSecretsPatch = {};
    // A generated webhook secret is 64 hex digits: it never looks like a `v1:` ciphertext.
    if (keyIdOfCiphertext(project.webhookSecretEncrypted) === null) {
      patch.webhookSecretEncrypted = await secrets.encrypt(project.webhookSecretEncrypted);
    }
    const { url, credential } = splitRepoCredential(project.repoUrl);
    if (credential) {
      patch.repoUrl = url;
      patch.repoCredentialEncrypted = await sealRepoCredential({ secrets }, credential);
    }
    if (Object.keys(patch).length === 0) continue;
    // Echoes first, the URL last: after a crash in between the next start still sees the token.
    if (credential) scrubEchoes(db, project, echoesOf(project.repoUrl, credential));
    await projects.updateSecrets(project.id, patch);
    sealed += 1;
  }
  if (sealed > 0) {
    db.exec("VACUUM");
    db.pragma("wal_checkpoint(TRUNCATE)");
  }
  return sealed;
}

/** The token as it may appear in text: decoded, and as the URL spelled it (%-encoded). */
function echoesOf(legacyUrl: string, credential: RepoCredential): string[] {
  const userinfo = /^[a-z]+:\/\/([^/?#]*)@/i.exec(legacyUrl)?.[1] ?? "";
  const colon = userinfo.indexOf(":");
  const raw = colon === -1 ? userinfo : userinfo.slice(colon + 1);
  const token = repoToken(credential);
  return [...new Set([token, raw, encodeURIComponent(token)])].filter((v) => v.length >= 2);
}

function scrubEchoes(db: SqliteDatabase, project: Project, echoes: string[]): void {
  const reasons = db.prepare(
    "UPDATE deployments SET status_reason = replace(status_reason, @echo, '***') WHERE project_id = @projectId",
  );
  const logs = db.prepare(
    `UPDATE log_lines SET text = replace(text, @echo, '***')
     WHERE deployment_id IN (SELECT id FROM deployments WHERE project_id = @projectId) AND instr(text, @echo) > 0`,
  );
  // Job payloads hold only ids, but a job's last error may quote the URL of any project.
  const jobs = db.prepare(
    "UPDATE queue_jobs SET last_error = replace(last_error, @echo, '***') WHERE instr(last_error, @echo) > 0",
  );
  for (const echo of echoes) {
    for (const statement of [reasons, logs, jobs]) statement.run({ echo, projectId: project.id });
  }
}
