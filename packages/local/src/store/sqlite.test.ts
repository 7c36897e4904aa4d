import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStoreContract } from "@slipway/core/contracts";
import { afterAll } from "vitest";
import { createSqliteStore } from "./sqlite.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

runStoreContract({
  name: "sqlite",
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-store-"));
    dirs.push(dir);
    return createSqliteStore(join(dir, "slipway.db"));
  },
});
