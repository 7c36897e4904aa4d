import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSecretsContract } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createAesGcmSecrets } from "./aes-gcm.ts";
import { keyIdOf } from "./key-file.ts";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-secrets-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
const newKey = () => randomBytes(32).toString("base64");

runSecretsContract({
  name: "aes-gcm (key file)",
  create: async () => createAesGcmSecrets({ keyFile: join(await tempDir(), "master.key") }),
  createRotated: async () => {
    const [a, b] = [newKey(), newKey()];
    return {
      old: createAesGcmSecrets({ key: a }),
      current: createAesGcmSecrets({ key: b, previousKeys: [a] }),
      withoutOld: createAesGcmSecrets({ key: b }),
    };
  },
});

describe("aes-gcm secrets", () => {
  it("creates a missing key file with mode 0600 and reuses it on the next start", async () => {
    const keyFile = join(await tempDir(), "nested", "master.key");
    const first = createAesGcmSecrets({ keyFile });
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const key = Buffer.from((await readFile(keyFile, "utf8")).trim(), "base64");
    expect(key).toHaveLength(32);
    expect(first.currentKeyId()).toBe(keyIdOf(key));
    const second = createAesGcmSecrets({ keyFile });
    expect(await second.decrypt(await first.encrypt("survives restarts"))).toBe("survives restarts");
  });

  it.skipIf(process.platform === "win32")("refuses a key file group or others can read, naming it", async () => {
    const keyFile = join(await tempDir(), "master.key");
    await writeFile(keyFile, newKey(), { mode: 0o600 });
    await chmod(keyFile, 0o640);
    expect(() => createAesGcmSecrets({ keyFile })).toThrow(`Master key file ${keyFile} is readable by group or others`);
    try {
      createAesGcmSecrets({ keyFile });
    } catch (error) {
      expect(error).toMatchObject({ code: "INVALID_INPUT", hint: `Run \`chmod 600 ${keyFile}\` and start again.` });
    }
    await chmod(keyFile, 0o604);
    expect(() => createAesGcmSecrets({ keyFile })).toThrow(/mode 0604/);
    await chmod(keyFile, 0o600);
    expect(() => createAesGcmSecrets({ keyFile })).not.toThrow();
  });

  it("refuses a key that is not 32 bytes of base64, without printing it", async () => {
    const short = randomBytes(16).toString("base64");
    expect(() => createAesGcmSecrets({ key: short })).toThrow(/SLIPWAY_MASTER_KEY .* \(decoded 16 bytes\)/);
    expect(() => createAesGcmSecrets({ key: short })).not.toThrow(short);
    const keyFile = join(await tempDir(), "master.key");
    await writeFile(keyFile, "not a key!", { mode: 0o600 });
    expect(() => createAesGcmSecrets({ keyFile })).toThrow(keyFile);
  });

  it("uses the first 8 hex of sha256(key) as key id and the v1 format", async () => {
    const key = newKey();
    const secrets = createAesGcmSecrets({ key });
    expect(secrets.currentKeyId()).toMatch(/^[0-9a-f]{8}$/);
    expect(secrets.currentKeyId()).toBe(keyIdOf(Buffer.from(key, "base64")));
    const [version, keyId, iv, tag, data] = (await secrets.encrypt("abc")).split(":");
    expect([version, keyId]).toEqual(["v1", secrets.currentKeyId()]);
    expect(Buffer.from(iv ?? "", "base64")).toHaveLength(12);
    expect(Buffer.from(tag ?? "", "base64")).toHaveLength(16);
    expect(Buffer.from(data ?? "", "base64")).toHaveLength(3);
  });

  it("refuses a ciphertext whose key id was swapped for another loaded key", async () => {
    const [a, b] = [newKey(), newKey()];
    const both = createAesGcmSecrets({ key: b, previousKeys: [a] });
    const onA = await createAesGcmSecrets({ key: a }).encrypt("value");
    const swapped = onA.replace(keyIdOf(Buffer.from(a, "base64")), both.currentKeyId());
    await expect(both.decrypt(swapped)).rejects.toThrow(/failed authentication/);
  });

  it("refuses a truncated auth tag", async () => {
    const secrets = createAesGcmSecrets({ key: newKey() });
    const parts = (await secrets.encrypt("value")).split(":");
    parts[3] = Buffer.from(parts[3] ?? "", "base64")
      .subarray(0, 4)
      .toString("base64");
    await expect(secrets.decrypt(parts.join(":"))).rejects.toThrow(/Not a Slipway v1 ciphertext/);
  });
});
