import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { runStoreContract } from "../../../core/src/ports/contracts/store.contract.ts";
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
