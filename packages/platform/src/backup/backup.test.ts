import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { deployment as contractDeployment, project as contractProject } from "@slipway/core/contracts";
import { createAesGcmSecrets, createSqliteStore, openSqlite } from "@slipway/local";
import tar from "tar-stream";
import { afterEach, describe, expect, it } from "vitest";
import { writePidFile } from "../pid-file.ts";
import { createBackup } from "./create-backup.ts";
import { restoreBackup } from "./restore-backup.ts";

const PASSPHRASE = "correct horse battery staple";
const cleanups: string[] = [];
afterEach(async () => {
  for (const dir of cleanups.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-backup-test-"));
  cleanups.push(dir);
  return dir;
}

/** A data dir as `slipway up` leaves it: one project, an aliased and an unaliased deployment, a secret. */
async function seededDataDir() {
  const dataDir = join(await scratch(), "data");
  await mkdir(join(dataDir, "blobs", "artifacts"), { recursive: true });
  const db = openSqlite(join(dataDir, "slipway.db"));
  const store = createSqliteStore(db);
  const secrets = createAesGcmSecrets({ keyFile: join(dataDir, "master.key") });
  const project = contractProject({ id: "p1", name: "site" });
  await store.projects.create(project);
  const live = contractDeployment("p1", { id: "dpl_live", status: "ready", artifactKey: "artifacts/dpl_live.tar" });
  const old = contractDeployment("p1", { id: "dpl_old", status: "ready", artifactKey: "artifacts/dpl_old.tar" });
  await store.deployments.create(live);
  await store.deployments.create(old);
  await store.aliases.set({
    hostname: "site.localhost",
    projectId: "p1",
    deploymentId: "dpl_live",
    kind: "production",
  });
  const sealed = await secrets.encrypt("s3cret-value");
  await store.envVars.upsert({
    id: "env1",
    projectId: "p1",
    key: "API_KEY",
    valueEncrypted: sealed,
    targets: ["production"],
    secret: true,
    branch: null,
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });
  await store.close();
  const artifact = randomBytes(200_000);
  await writeFile(join(dataDir, "blobs", "artifacts", "dpl_live.tar"), artifact);
  await writeFile(join(dataDir, "blobs", "artifacts", "dpl_old.tar"), randomBytes(1000));
  await writeFile(join(dataDir, "auth-secret"), "a".repeat(43));
  await writeFile(join(dataDir, "admin-token"), "token-123");
  return { dataDir, artifact };
}

async function backupToBuffer(dataDir: string, passphrase: string | null) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  const lines: string[] = [];
  const summary = await createBackup({ dataDir, out, passphrase, progress: (line) => lines.push(line) });
  return { archive: Buffer.concat(chunks), summary, lines };
}

const restore = (archive: Buffer, dataDir: string, passphrase: string | null = PASSPHRASE) =>
  restoreBackup({ archive: Readable.from([archive]), dataDir, passphrase, progress: () => {} });

/** The archive's entries in order, by name. */
async function entries(archive: Buffer): Promise<Array<{ name: string; offset: number; size: number }>> {
  const found: Array<{ name: string; offset: number; size: number }> = [];
  let offset = 0;
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    found.push({ name: header.name, offset: offset + 512, size: header.size ?? 0 });
    offset += 512 + Math.ceil((header.size ?? 0) / 512) * 512;
    stream.on("end", next);
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    extract.on("finish", () => resolve());
    extract.on("error", reject);
    extract.end(archive);
  });
  return found;
}

// scrypt and SQLite's backup take ~1 s per case here; a loaded CI machine may need many times that.
describe("backup and restore", { timeout: 60_000 }, () => {
  it("round-trips the database, the aliased artifacts and the keys, and the restored key decrypts the secret", async () => {
    const { dataDir, artifact } = await seededDataDir();
    const { archive, summary, lines } = await backupToBuffer(dataDir, PASSPHRASE);
    expect(summary.manifest.deployments).toEqual(["dpl_live"]);
    expect(summary.manifest.files.map((file) => file.path)).toEqual([
      "slipway.db",
      "blobs/artifacts/dpl_live.tar",
      "keys.enc",
    ]);
    expect(lines.join("\n")).toContain("blobs/artifacts/dpl_live.tar");
    // The master key never travels in the clear.
    const masterKey = await readFile(join(dataDir, "master.key"));
    expect(archive.includes(masterKey.subarray(0, 20))).toBe(false);

    const target = join(await scratch(), "restored");
    const manifest = await restore(archive, target);
    expect(manifest.schemaVersion).toBe(summary.manifest.schemaVersion);
    expect(await readFile(join(target, "blobs", "artifacts", "dpl_live.tar"))).toEqual(artifact);
    expect(await readFile(join(target, "master.key"))).toEqual(masterKey);
    expect(await readFile(join(target, "admin-token"), "utf8")).toBe("token-123");
    expect((await readdir(target)).sort()).toEqual(["admin-token", "auth-secret", "blobs", "master.key", "slipway.db"]);

    const store = createSqliteStore(openSqlite(join(target, "slipway.db")));
    const [envVar] = await store.envVars.listByProject("p1");
    const secrets = createAesGcmSecrets({ keyFile: join(target, "master.key") });
    expect(await secrets.decrypt(envVar?.valueEncrypted ?? "")).toBe("s3cret-value");
    expect((await store.aliases.get("site.localhost"))?.deploymentId).toBe("dpl_live");
    await store.close();
  });

  it("refuses an archive with a flipped byte, naming the damaged entry, and writes nothing", async () => {
    const { dataDir } = await seededDataDir();
    const { archive } = await backupToBuffer(dataDir, PASSPHRASE);
    const artifact = (await entries(archive)).find((entry) => entry.name === "blobs/artifacts/dpl_live.tar");
    const damaged = Buffer.from(archive);
    const at = (artifact?.offset ?? 0) + 1000;
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    const parent = await scratch();
    const target = join(parent, "restored");
    await expect(restore(damaged, target)).rejects.toThrow(/blobs\/artifacts\/dpl_live\.tar is damaged/);
    expect(await readdir(parent)).toEqual([]);
  });

  it("refuses a truncated archive, naming where it breaks off", async () => {
    const { dataDir } = await seededDataDir();
    const { archive } = await backupToBuffer(dataDir, PASSPHRASE);
    const listed = await entries(archive);
    const artifact = listed.find((entry) => entry.name === "blobs/artifacts/dpl_live.tar");
    await expect(
      restore(archive.subarray(0, (artifact?.offset ?? 0) + 5000), join(await scratch(), "r")),
    ).rejects.toThrow(/cut short in blobs\/artifacts\/dpl_live\.tar \(after slipway\.db\)/);
  });

  it("refuses an archive cut before its manifest", async () => {
    const { dataDir } = await seededDataDir();
    const { archive } = await backupToBuffer(dataDir, PASSPHRASE);
    const listed = await entries(archive);
    // Cut exactly before the manifest: every entry is whole, the manifest is missing.
    const manifest = listed.find((entry) => entry.name === "manifest.json");
    await expect(
      restore(archive.subarray(0, (manifest?.offset ?? 0) - 512), join(await scratch(), "r")),
    ).rejects.toThrow(/ends after keys\.enc without manifest\.json/);
  });

  it("refuses a wrong passphrase and a missing one before writing anything", async () => {
    const { dataDir } = await seededDataDir();
    const { archive } = await backupToBuffer(dataDir, PASSPHRASE);
    const parent = await scratch();
    await expect(restore(archive, join(parent, "r"), "not the passphrase")).rejects.toMatchObject({
      code: "BACKUP_KEY_WRONG",
    });
    await expect(restore(archive, join(parent, "r"), null)).rejects.toThrow(/passphrase/);
    expect(await readdir(parent)).toEqual([]);
  });

  it("refuses a data dir that is not empty or that a running platform holds", async () => {
    const { dataDir } = await seededDataDir();
    const { archive } = await backupToBuffer(dataDir, PASSPHRASE);
    await expect(restore(archive, dataDir)).rejects.toMatchObject({ code: "DATA_DIR_IN_USE" });
    const live = join(await scratch(), "live");
    await mkdir(live);
    const removePid = writePidFile(live);
    await expect(restore(archive, live)).rejects.toThrow(new RegExp(`pid ${process.pid}`));
    removePid();
    await restore(archive, live); // empty now: restored into it
    expect(await readdir(live)).toContain("slipway.db");
  });

  it("refuses an archive whose database is newer than this build, naming both versions", async () => {
    const { dataDir } = await seededDataDir();
    const db = openSqlite(join(dataDir, "slipway.db"));
    const current = db.pragma("user_version", { simple: true }) as number;
    db.pragma(`user_version = ${current + 5}`);
    db.close();
    const { archive } = await backupToBuffer(dataDir, PASSPHRASE);
    await expect(restore(archive, join(await scratch(), "r"))).rejects.toThrow(
      new RegExp(`schema version ${current + 5}, newer than this Slipway knows \\(${current}\\)`),
    );
  });

  it("--no-keys leaves every key out and says so; the restore warns too", async () => {
    const { dataDir } = await seededDataDir();
    const { archive, summary, lines } = await backupToBuffer(dataDir, null);
    expect(summary.manifest.keys).toBe(false);
    expect(lines.join("\n")).toMatch(/WARNING.*NOT decrypt/);
    const target = join(await scratch(), "r");
    const said: string[] = [];
    await restoreBackup({
      archive: Readable.from([archive]),
      dataDir: target,
      passphrase: null,
      progress: (l) => said.push(l),
    });
    expect(said.join("\n")).toMatch(/WARNING/);
    expect((await readdir(target)).sort()).toEqual(["blobs", "slipway.db"]);
  });

  it("refuses an entry outside the backup's closed set of names", async () => {
    const pack = tar.pack();
    pack.entry({ name: "../escape" }, "x");
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    await expect(restore(Buffer.concat(chunks), join(await scratch(), "r"))).rejects.toThrow(/"\.\.\/escape"/);
  });
});
