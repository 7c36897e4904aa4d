import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "@slipway/core";
import { deployment, domain, envVar, savedProject } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteStore } from "../store/sqlite.ts";
import { createAesGcmSecrets } from "./aes-gcm.ts";
import { rotateMasterKey } from "./rotate.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-rotate-"));
  dirs.push(dir);
  const keyFile = join(dir, "master.key");
  const store = createSqliteStore(join(dir, "slipway.db"));
  const secrets = createAesGcmSecrets({ keyFile });
  const p = await savedProject(store);
  await store.projects.updateSecrets(p.id, {
    webhookSecretEncrypted: await secrets.encrypt("webhook-hmac-key"),
    repoCredentialEncrypted: await secrets.encrypt('{"username":"ci","password":"tok"}'),
  });
  const values = ["one", "two", "three"];
  for (const [i, value] of values.entries()) {
    await store.envVars.upsert(envVar(p.id, { key: `K${i}`, valueEncrypted: await secrets.encrypt(value) }));
  }
  const d = deployment(p.id, { envSnapshot: await secrets.encrypt('{"K0":"one"}') });
  await store.deployments.create(d);
  return { dir, keyFile, store, secrets, values, deploymentId: d.id, projectId: p.id };
}

async function plaintexts(store: Store, secrets: { decrypt(c: string): Promise<string> }) {
  const vars = await Promise.all((await store.envVars.all()).map((v) => secrets.decrypt(v.valueEncrypted)));
  const snapshots = await Promise.all(
    (await store.deployments.listWithEnvSnapshot()).map((d) => secrets.decrypt(d.envSnapshot ?? "")),
  );
  return { vars, snapshots };
}

describe("rotateMasterKey", () => {
  it("re-encrypts custom domains' certificate keys and the ACME account key", async () => {
    const { dir, keyFile, store, secrets, projectId } = await setup();
    await store.domains.create({
      ...domain(projectId),
      hostname: "shop.example.com",
      certificate: { certPem: "CERT", keyEncrypted: await secrets.encrypt("CERT KEY"), notAfter: "x", issuedAt: "y" },
    });
    const account = join(dir, "acme", "account.key");
    await mkdir(join(dir, "acme"));
    await writeFile(account, `${await secrets.encrypt("ACCOUNT KEY")}\n`);
    const result = await rotateMasterKey({ store, secrets, keyFile, acmeAccountKeyFile: account });
    expect(result.certificates).toBe(2);
    const fresh = createAesGcmSecrets({ keyFile });
    const certificate = (await store.domains.get("shop.example.com"))?.certificate;
    expect(fresh.isCurrent(certificate?.keyEncrypted ?? "")).toBe(true);
    expect(await fresh.decrypt(certificate?.keyEncrypted ?? "")).toBe("CERT KEY");
    expect(await fresh.decrypt((await readFile(account, "utf8")).trim())).toBe("ACCOUNT KEY");
  });

  it("re-encrypts every env var and snapshot with a new key and drops the old one", async () => {
    const { dir, keyFile, store, secrets, values, projectId } = await setup();
    const oldKey = await readFile(keyFile, "utf8");
    const result = await rotateMasterKey({ store, secrets, keyFile });
    expect(result).toMatchObject({ previousKeyId: secrets.currentKeyId(), envVars: 3, snapshots: 1, projects: 1 });
    expect(result.newKeyId).not.toBe(secrets.currentKeyId());
    expect(await readFile(keyFile, "utf8")).not.toBe(oldKey);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((name) => name.startsWith("master.key"))).toEqual(["master.key"]);

    const fresh = createAesGcmSecrets({ keyFile });
    expect(fresh.keyIds()).toEqual([result.newKeyId]);
    expect(await plaintexts(store, fresh)).toEqual({ vars: values, snapshots: ['{"K0":"one"}'] });
    for (const v of await store.envVars.all()) expect(fresh.isCurrent(v.valueEncrypted)).toBe(true);
    const project = await store.projects.get(projectId);
    expect(await fresh.decrypt(project?.webhookSecretEncrypted ?? "")).toBe("webhook-hmac-key");
    expect(await fresh.decrypt(project?.repoCredentialEncrypted ?? "")).toBe('{"username":"ci","password":"tok"}');
    await expect(secrets.decrypt((await store.envVars.all())[0]?.valueEncrypted ?? "")).rejects.toThrow();
    await store.close();
  });

  it("after a crash midway every value still decrypts, and running again finishes", async () => {
    const { dir, keyFile, store, secrets, values } = await setup();
    let upserts = 0;
    const crashing: Store = {
      ...store,
      envVars: {
        ...store.envVars,
        upsert: async (v) => {
          if (++upserts === 2) throw new Error("power cut");
          return store.envVars.upsert(v);
        },
      },
    };
    await expect(rotateMasterKey({ store: crashing, secrets, keyFile })).rejects.toThrow("power cut");
    const names = (await readdir(dir)).filter((name) => name.startsWith("master.key")).sort();
    expect(names).toEqual(["master.key", "master.key.next", `master.key.previous-${secrets.currentKeyId()}`]);

    // A restart in this state: the key file is still the old key, `.next` is loaded for reading.
    const restarted = createAesGcmSecrets({ keyFile });
    expect(restarted.currentKeyId()).toBe(secrets.currentKeyId());
    expect((await plaintexts(store, restarted)).vars).toEqual(values);

    const result = await rotateMasterKey({ store, secrets: restarted, keyFile });
    expect(result.envVars).toBe(2);
    expect(await plaintexts(store, createAesGcmSecrets({ keyFile }))).toEqual({
      vars: values,
      snapshots: ['{"K0":"one"}'],
    });
    await store.close();
  });
});
