import { join } from "node:path";
import { SlipwayError } from "@slipway/core";
import {
  createAesGcmSecrets,
  createSqliteStore,
  openSqlite,
  rotateMasterKey,
  sealProjectSecrets,
} from "@slipway/local";
import { runningPid } from "./pid-file.ts";

/** `slipway admin rotate-key`: re-encrypts the data dir under a new master key, platform stopped. */
export async function rotateDataDirKey(dataDir: string) {
  const pid = runningPid(dataDir);
  if (pid !== null) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `The platform is running on ${dataDir} (pid ${pid}).`,
      "Stop `slipway up` first: it encrypts with the key it holds in memory.",
    );
  }
  const keyFile = join(dataDir, "master.key");
  const db = openSqlite(join(dataDir, "slipway.db"));
  const store = createSqliteStore(db);
  try {
    const secrets = createAesGcmSecrets({ keyFile });
    // A database not started since its upgrade may still hold plaintext: it has to be sealed first.
    await sealProjectSecrets(db, secrets);
    const result = await rotateMasterKey({
      store,
      secrets,
      keyFile,
      acmeAccountKeyFile: join(dataDir, "acme", "account.key"),
    });
    return {
      previousKeyId: result.previousKeyId,
      newKeyId: result.newKeyId,
      envVars: result.envVars,
      snapshots: result.snapshots,
      projects: result.projects,
      certificates: result.certificates,
    };
  } finally {
    db.close();
  }
}
