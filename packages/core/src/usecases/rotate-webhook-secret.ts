import { randomBytes } from "node:crypto";
import type { Project } from "../domain/model.ts";
import type { CoreDeps } from "./deps.ts";

/**
 * A new webhook secret, as random as the first (32 bytes). GitHub's deliveries signed with the old
 * one fail from now on, until the new secret is pasted into the repository's webhook settings.
 */
export async function rotateWebhookSecret(
  deps: Pick<CoreDeps, "store" | "secrets">,
  project: Project,
): Promise<Project> {
  const webhookSecretEncrypted = await deps.secrets.encrypt(randomBytes(32).toString("hex"));
  await deps.store.projects.updateSecrets(project.id, { webhookSecretEncrypted });
  return { ...project, webhookSecretEncrypted };
}
