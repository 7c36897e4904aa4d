import { ADMIN_TOKEN_SCOPE } from "@slipway/core";
import {
  createMemoryBuildCache,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
} from "@slipway/memory";
import { type ApiDeps, createApi } from "../app.ts";
import { hashToken } from "../auth.ts";

/**
 * The API over fresh in-memory adapters (each passes its port's contract) with one admin token,
 * "good-token", and accounts at http://127.0.0.1:7300 (`accounts` changes their options).
 */
export async function setupApi(options: { openSignUp?: boolean } = {}) {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  await store.tokens.create({
    id: "t1",
    name: "admin",
    tokenHash: hashToken("good-token"),
    createdAt: new Date().toISOString(),
    ...ADMIN_TOKEN_SCOPE,
  });
  // Exactly the ports the routes use: ApiDeps names them, so nothing here is a stand-in cast.
  const buildCache = createMemoryBuildCache();
  const deps: ApiDeps = {
    store,
    queue,
    buildCache,
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    git: createMemoryGitRemote(),
    urls: {
      hostname: (l: string) => `${l}.localhost`,
      url: (h: string) => `http://${h}:7380`,
      apiUrl: "http://127.0.0.1:7300",
    },
    accounts: { secret: "test-secret-test-secret-test-secret!", baseUrl: "http://127.0.0.1:7300", ...options },
  };
  return { app: createApi(deps), deps, store, queue, buildCache };
}
