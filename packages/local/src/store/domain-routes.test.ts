import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { domainRouteOf } from "@slipway/core";
import { domain, project } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { openSqlite } from "../sqlite/open.ts";
import { createSqliteDomainRoutes } from "./domain-routes.ts";
import { createSqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function open() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-domain-routes-"));
  dirs.push(dir);
  const file = join(dir, "slipway.db");
  const db = openSqlite(file);
  const store = createSqliteStore(db);
  await store.projects.create(project({ id: "prj_1", name: "shop" }));
  return { file, db, store, routes: createSqliteDomainRoutes(db) };
}

describe("SQLite domain routes", () => {
  it("reads the fields the edge routes by, the same as the whole record gives", async () => {
    const { store, routes } = await open();
    const records = [
      domain("prj_1", { hostname: "plain.example.com" }),
      domain("prj_1", {
        hostname: "shop.example.com",
        status: "active",
        redirectTo: "www.example.com",
        challenge: { token: "tok", keyAuthorization: "tok.abc" },
        certificate: {
          certPem: "-----BEGIN CERTIFICATE-----",
          keyEncrypted: "v1:sealed",
          issuedAt: "2026-01-01T00:00:00.000Z",
          notAfter: "2026-04-01T00:00:00.000Z",
        },
      }),
    ];
    for (const record of records) {
      await store.domains.create(record);
      expect(routes.find(record.hostname)).toEqual(domainRouteOf(record));
    }
    expect(routes.find("nobody.example.com")).toBeNull();
  });

  it("moves its change stamp on a write through this connection and on a commit by another", async () => {
    const { file, store, routes } = await open();
    const before = routes.changeStamp();
    expect(routes.changeStamp()).toBe(before);
    await store.domains.create(domain("prj_1", { hostname: "shop.example.com" }));
    const afterOwn = routes.changeStamp();
    expect(afterOwn).not.toBe(before);

    const other = openSqlite(file); // a `slipway worker` on the same data dir
    try {
      await createSqliteStore(other).domains.transition("shop.example.com", ["pending"], "verified");
      expect(routes.changeStamp()).not.toBe(afterOwn);
      expect(routes.find("shop.example.com")?.status).toBe("verified");
    } finally {
      other.close();
    }
  });
});
