import type { Project } from "../domain/model.ts";
import type { RepoCredential } from "../domain/repo-credentials.ts";
import { SlipwayError } from "../errors.ts";
import type { CoreDeps } from "./deps.ts";

/** Encrypts a repository credential for `Project.repoCredentialEncrypted`. */
export async function sealRepoCredential(
  deps: Pick<CoreDeps, "secrets">,
  credential: RepoCredential | null,
): Promise<string | null> {
  return credential ? deps.secrets.encrypt(JSON.stringify(credential)) : null;
}

/** The project's repository credential in plaintext, for git only; null when it has none. */
export async function repoCredentialOf(
  deps: Pick<CoreDeps, "secrets">,
  project: Project,
): Promise<RepoCredential | null> {
  if (project.repoCredentialEncrypted === null) return null;
  const parsed: unknown = JSON.parse(await deps.secrets.decrypt(project.repoCredentialEncrypted));
  const { username, password } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof username !== "string" || typeof password !== "string") {
    throw new SlipwayError("INTERNAL", `The stored repository credential of project "${project.name}" is malformed.`);
  }
  return { username, password };
}

/** The project's webhook HMAC key in plaintext. */
export function webhookSecretOf(deps: Pick<CoreDeps, "secrets">, project: Project): Promise<string> {
  return deps.secrets.decrypt(project.webhookSecretEncrypted);
}
