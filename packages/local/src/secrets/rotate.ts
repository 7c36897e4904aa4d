import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Secrets, Store } from "@slipway/core";
import { SlipwayError } from "@slipway/core";
import { type AesGcmSecrets, createAesGcmSecrets, rotationFiles } from "./aes-gcm.ts";
import { createKeyFile, KEY_BYTES, keyIdOf, readKeyFile } from "./key-file.ts";

export interface RotationResult {
  previousKeyId: string;
  newKeyId: string;
  envVars: number;
  snapshots: number;
  /** Projects whose webhook secret or repository credential was re-encrypted. */
  projects: number;
  /** Custom domains whose certificate key was re-encrypted (and the ACME account key file, if given). */
  certificates: number;
  /** An adapter on the new key; the one passed in still encrypts with the old key. */
  secrets: AesGcmSecrets;
}

const MAX_PASSES = 4;

/**
 * Replaces the master key in `keyFile` and re-encrypts every env var value, deployment env
 * snapshot, webhook secret and repository credential with it. Meant to run while the platform is stopped: a running process would keep
 * encrypting with the old key it holds in memory.
 *
 * Crash safety, step by step:
 * 1. the old key is copied to `<keyFile>.previous-<keyId>`;
 * 2. the new key is written to `<keyFile>.next` (reused if a crashed run left one, since some
 *    values may already be encrypted with it);
 * 3. values are re-encrypted one by one, skipping those already on the new key;
 * 4. `.next` is renamed over `keyFile` (atomic);
 * 5. the `.previous-*` files are removed.
 * `createAesGcmSecrets({ keyFile })` loads `.next` and `.previous-*` too, so after a crash at any
 * step every value still decrypts, and running the rotation again finishes the job.
 */
export async function rotateMasterKey(options: {
  store: Store;
  secrets: Secrets;
  keyFile: string;
  /** The ACME account key file (encrypted with the master key), when there is one. */
  acmeAccountKeyFile?: string;
}): Promise<RotationResult> {
  const { store, secrets, keyFile } = options;
  if (!existsSync(keyFile)) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `Master key file ${keyFile} does not exist`,
      "Rotation replaces a key file; a key given in SLIPWAY_MASTER_KEY is rotated by changing that variable and supplying the old value as a previous key.",
    );
  }
  const files = rotationFiles(keyFile);
  const oldKey = readKeyFile(keyFile);
  createKeyFile(files.previous(keyIdOf(oldKey)), oldKey);
  createKeyFile(files.next, randomBytes(KEY_BYTES));
  const next = createAesGcmSecrets({ key: readKeyFile(files.next).toString("base64") });
  const reseal = async (ciphertext: string) => next.encrypt(await secrets.decrypt(ciphertext));

  let envVars = 0;
  let snapshots = 0;
  let projects = 0;
  let certificates = 0;
  let clean = false;
  // Later passes catch values written with the old key while the first pass ran; the key only
  // moves once a whole pass found nothing left to re-encrypt.
  for (let pass = 0; pass < MAX_PASSES && !clean; pass++) {
    let changed = 0;
    for (const envVar of await store.envVars.all()) {
      if (next.isCurrent(envVar.valueEncrypted)) continue;
      // Same id, key, targets and timestamps: only the ciphertext changes, the value does not.
      await store.envVars.upsert({ ...envVar, valueEncrypted: await reseal(envVar.valueEncrypted) });
      envVars += 1;
      changed += 1;
    }
    for (const deployment of await store.deployments.listWithEnvSnapshot()) {
      if (deployment.envSnapshot === null || next.isCurrent(deployment.envSnapshot)) continue;
      await store.deployments.update(deployment.id, { envSnapshot: await reseal(deployment.envSnapshot) });
      snapshots += 1;
      changed += 1;
    }
    for (const project of await store.projects.list()) {
      const credential = project.repoCredentialEncrypted;
      const staleSecret = !next.isCurrent(project.webhookSecretEncrypted);
      const staleCredential = credential !== null && !next.isCurrent(credential);
      if (!staleSecret && !staleCredential) continue;
      await store.projects.updateSecrets(project.id, {
        ...(staleSecret ? { webhookSecretEncrypted: await reseal(project.webhookSecretEncrypted) } : {}),
        ...(staleCredential ? { repoCredentialEncrypted: await reseal(credential) } : {}),
      });
      projects += 1;
      changed += 1;
    }
    for (const domain of await store.domains.list()) {
      const certificate = domain.certificate;
      if (certificate === null || next.isCurrent(certificate.keyEncrypted)) continue;
      const keyEncrypted = await reseal(certificate.keyEncrypted);
      await store.domains.update(domain.hostname, { certificate: { ...certificate, keyEncrypted } });
      certificates += 1;
      changed += 1;
    }
    const account = options.acmeAccountKeyFile;
    if (account && existsSync(account)) {
      const sealed = readFileSync(account, "utf8").trim();
      if (!next.isCurrent(sealed)) {
        // Temp file and rename: a crash leaves the old or the new ciphertext, both readable.
        writeFileSync(`${account}.next`, `${await reseal(sealed)}\n`, { mode: 0o600 });
        renameSync(`${account}.next`, account);
        certificates += 1;
        changed += 1;
      }
    }
    clean = changed === 0;
  }
  if (!clean) {
    throw new SlipwayError(
      "INTERNAL",
      `Values kept appearing with the old master key after ${MAX_PASSES} passes; ${keyFile} was left unchanged`,
      "Stop the platform (it still encrypts with the old key) and run the rotation again: it resumes where it stopped.",
    );
  }

  renameSync(files.next, keyFile);
  for (const file of rotationFiles(keyFile).all) rmSync(file, { force: true });
  return {
    previousKeyId: keyIdOf(oldKey),
    newKeyId: next.currentKeyId(),
    envVars,
    snapshots,
    projects,
    certificates,
    secrets: createAesGcmSecrets({ keyFile }),
  };
}
