import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "@slipway/local";
import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "./config.ts";
import { startPlatform } from "./start.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const modeOf = async (path: string) => ((await stat(path)).mode & 0o777).toString(8);

describe("startPlatform and the data dir", () => {
  it("makes an existing 0755 data dir 0700 and its 0644 files 0600, SQLite's -wal and -shm too", async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), "slipway-perms-")), "data");
    await mkdir(join(dataDir, "blobs", "artifacts"), { recursive: true, mode: 0o755 });
    openSqlite(join(dataDir, "slipway.db")).close();
    await writeFile(join(dataDir, "admin-token"), "slw_lost\n");
    await writeFile(join(dataDir, "blobs", "artifacts", "old.tar"), "tar");
    for (const path of ["slipway.db", "admin-token", "blobs/artifacts/old.tar"])
      await chmod(join(dataDir, path), 0o644);
    await chmod(dataDir, 0o755);

    const lines: string[] = [];
    const config = parsePlatformConfig(
      { dataDir, port: await freePort(), edgePort: await freePort() },
      { SLIPWAY_SANDBOX: "none" },
    );
    const platform = await startPlatform(config, (line) => lines.push(line));
    try {
      expect(lines.join("\n")).toContain("NO SANDBOX");
      expect(await modeOf(dataDir)).toBe("700");
      for (const path of [
        "slipway.db",
        "slipway.db-wal",
        "slipway.db-shm",
        "admin-token",
        "master.key",
        "blobs/artifacts/old.tar",
      ]) {
        expect(await modeOf(join(dataDir, path)), path).toBe("600");
      }
      expect(await modeOf(join(dataDir, "blobs", "artifacts")), "blobs/artifacts").toBe("700");
    } finally {
      await platform.stop();
    }
  });

  it("refuses a public domain without a sandbox before it creates anything", async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), "slipway-unsafe-")), "data");
    const config = parsePlatformConfig({ dataDir, domain: "example.com" }, { SLIPWAY_SANDBOX: "none" });
    await expect(startPlatform(config, () => {})).rejects.toMatchObject({
      code: "SANDBOX_REQUIRED",
      hint: expect.stringContaining("--unsafe-no-sandbox"),
    });
    expect(existsSync(dataDir)).toBe(false);
  });
});
