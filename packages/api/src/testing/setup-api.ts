import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CoreDeps } from "@slipway/core";
import {
  createAesGcmSecrets,
  createSqliteLogStore,
  createSqliteQueue,
  createSqliteStore,
  openSqlite,
} from "@slipway/local";
import { createApi } from "../app.ts";
import { hashToken } from "../auth.ts";

/** The API over a fresh SQLite store with one admin token, "good-token". */
export async function setupApi() {
  const dir = await mkdtemp(join(tmpdir(), "slipway-api-"));
  const db = openSqlite(join(dir, "db.sqlite"));
  const store = createSqliteStore(db);
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken("good-token"),
    createdAt: new Date().toISOString(),
  });
  // Only the parts these routes touch are real; builder and deployer are never reached here.
  const deps = {
    store,
    queue: createSqliteQueue(db),
    logs: createSqliteLogStore(db),
    secrets: createAesGcmSecrets({ keyFile: join(dir, "master.key") }),
    urls: {
      hostname: (l: string) => `${l}.localhost`,
      url: (h: string) => `http://${h}:7380`,
      apiUrl: "http://127.0.0.1:7300",
    },
    settings: { retainDeployments: 10 },
    statusReporter: null,
  } as unknown as CoreDeps;
  return { app: createApi(deps), deps, store };
}
