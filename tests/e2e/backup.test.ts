import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { freePort, REPO_ROOT, runCli, startPlatform, type TestPlatform } from "./support/platform.ts";
import { scratchDir } from "./support/scratch.ts";

const CLI = join(REPO_ROOT, "apps/cli/bin/slipway.js");
const PASSPHRASE = "backup-e2e-passphrase-7c1f";
const SECRET = "s3cret-backup-e2e-41d2";
const DOMAIN = "shop.backup.test";
/** Every URL kind: production, a branch preview, a deployment's own URL (filled in once deployed). */
const hosts: string[] = ["bk.localhost", "bk-git-feature-x.localhost"];
const PATHS = ["/", "/api/hello?x=1", "/ssr"];
const env = { SLIPWAY_PUBLIC_IPS: "127.0.0.1" };

/** What a page says, less what changes per request (the render time, in the HTML and the RSC payload). */
const content = async (platform: TestPlatform, host: string, path: string) => {
  const response = await edgeRequest(platform.edgePort, host, path);
  return `${response.status} ${response.text.replace(/\b1\d{12}\b/g, "<now>")}`;
};

/** `slipway admin backup --out -` into a file, as `| ssh host 'cat > file'` would. */
function backupToFile(dataDir: string, file: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "admin", "backup", "--data-dir", dataDir, "--out", "-"], {
      cwd: REPO_ROOT,
      env: { ...process.env, SLIPWAY_BACKUP_PASSPHRASE: PASSPHRASE },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.pipe(createWriteStream(file));
    child.on("close", (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Offset of an entry's data in a tar file (headers are 512-byte blocks: name at 0, octal size at 124). */
function tarEntryOffset(tar: Buffer, wanted: (name: string) => boolean): { name: string; offset: number } {
  let at = 0;
  while (at + 512 <= tar.length) {
    const name = tar
      .subarray(at, at + 100)
      .toString("utf8")
      .replace(/\0.*$/s, "");
    if (name === "") break;
    const size = Number.parseInt(
      tar
        .subarray(at + 124, at + 136)
        .toString("utf8")
        .replace(/\0.*$/s, "")
        .trim(),
      8,
    );
    if (wanted(name)) return { name, offset: at + 512 };
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error("entry not found in the archive");
}

// Issue 16: a running platform backed up under steady traffic, restored into a new data dir on
// other ports, where every site answers as before; a damaged archive refused naming its bad part.
describe("backup and restore of a running platform", () => {
  let platform: TestPlatform;
  let restored: TestPlatform | undefined;
  let repo: FixtureRepo;
  let work: string;
  let archive: string;
  const before = new Map<string, string>();

  beforeAll(async () => {
    platform = await startPlatform({ env });
    repo = await createFixtureRepo("next-app");
    work = await scratchDir("slipway-backup-e2e-");
    archive = join(work, "slipway.tar");
    const cli = async (args: string[], input?: string) => {
      const result = await platform.cli(args, { input });
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      return result;
    };
    await cli(["projects", "create", "bk", "--repo", repo.bare]);
    await cli(["env", "add", "GREETING", "hello-from-backup", "--project", "bk", "--target", "production,preview"]);
    await cli(["env", "add", "API_SECRET", "--project", "bk", "--target", "production,preview", "--secret"], SECRET);
    const production = (await cli(["deploy", "--project", "bk", "--json"])).json();
    hosts.push(`bk-${production.id}.localhost`);
    await repo.commit("feature-x", { "feature.txt": "x" });
    await cli(["deploy", "--project", "bk", "--ref", "feature-x"]);
    await cli(["domains", "add", DOMAIN, "--project", "bk"]);
    for (const host of hosts)
      for (const path of PATHS) before.set(`${host}${path}`, await content(platform, host, path));
  }, 900_000);

  afterAll(async () => {
    await restored?.stop();
    await platform?.stop();
  });

  it("backs up while the platform serves steady traffic, failing no request", async () => {
    let stop = false;
    const failures: string[] = [];
    let served = 0;
    const traffic = (async () => {
      while (!stop) {
        const response = await edgeRequest(platform.edgePort, "bk.localhost", "/api/hello?x=1").catch((e: Error) => ({
          status: 0,
          text: e.message,
        }));
        if (response.status === 200) served += 1;
        else failures.push(`${response.status} ${response.text.slice(0, 200)}`);
      }
    })();
    const backup = await backupToFile(platform.dataDir, archive);
    stop = true;
    await traffic;
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain("blobs/artifacts/"); // progress, on stderr
    expect(failures).toEqual([]);
    expect(served).toBeGreaterThan(10);
    const bytes = await readFile(archive);
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    expect(bytes.includes(await readFile(join(platform.dataDir, "master.key")))).toBe(false);
  });

  it("refuses to restore into the running platform's data dir or a non-empty one", async () => {
    const running = await runCli(["admin", "restore", archive, "--data-dir", platform.dataDir], {
      SLIPWAY_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(running.code).toBe(1);
    expect(running.stderr).toContain(`is running on ${platform.dataDir}`);
  });

  it("refuses a damaged backup, naming the damaged entry, and writes nothing", async () => {
    const bytes = await readFile(archive);
    const artifact = tarEntryOffset(bytes, (name) => name.startsWith("blobs/artifacts/"));
    bytes[artifact.offset + 4096] = (bytes[artifact.offset + 4096] ?? 0) ^ 0x55;
    const damaged = join(work, "damaged.tar");
    await writeFile(damaged, bytes);
    const target = join(work, "from-damaged");
    const refused = await runCli(["admin", "restore", damaged, "--data-dir", target], {
      SLIPWAY_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${artifact.name} is damaged`);
    expect(await readdir(work)).not.toContain("from-damaged");
  });

  it("restores into a new data dir; on other ports every site answers with the same content", async () => {
    const target = join(work, "restored");
    const result = await runCli(["admin", "restore", archive, "--data-dir", target, "--json"], {
      SLIPWAY_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.json()).toMatchObject({ keys: true, deployments: 2 });
    restored = await startPlatform({ dataDir: target, env });
    expect(restored.edgePort).not.toBe(platform.edgePort);
    // The API answers at once; each site once its deployment is unpacked from the restored artifact.
    for (const host of hosts) {
      for (const path of PATHS) {
        const server = restored;
        await expect
          .poll(() => content(server, host, path), { timeout: 180_000, interval: 500 })
          .toBe(before.get(`${host}${path}`));
      }
    }
    expect(await content(restored, "bk.localhost", "/api/hello?x=1")).toContain("hello-from-backup");
    // The secret reached the restored worker (decrypted with the restored key) and is masked in its log.
    await expect.poll(() => restored?.output(), { timeout: 10_000 }).toContain("runtime sees API_SECRET=***");
    const envVars = (await restored.cli(["env", "ls", "--project", "bk", "--json"])).json();
    expect(envVars).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: "GREETING", value: "hello-from-backup" }),
        expect.objectContaining({ key: "API_SECRET", secret: true }),
      ]),
    );
    const domains = (await restored.cli(["domains", "ls", "--project", "bk", "--json"])).json();
    expect(JSON.stringify(domains)).toContain(DOMAIN);
  });

  it("slipway up refuses a data dir from a newer Slipway, naming both versions", async () => {
    const dir = join(work, "newer");
    await mkdir(dir);
    await copyFile(join(work, "restored", "slipway.db"), join(dir, "slipway.db"));
    const db = new Database(join(dir, "slipway.db"));
    const current = db.pragma("user_version", { simple: true }) as number;
    db.pragma(`user_version = ${current + 1}`);
    db.close();
    const ports = [String(await freePort()), String(await freePort())];
    const up = await runCli(["up", "--data-dir", dir, "--port", ports[0] ?? "", "--edge-port", ports[1] ?? ""], {});
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain(`schema version ${current + 1}, newer than this Slipway knows (${current})`);
  });
});
