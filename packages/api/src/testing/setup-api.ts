import { createHash, randomBytes } from "node:crypto";
import { ADMIN_TOKEN_SCOPE } from "@slipway/core";
import {
  createMemoryBlobStore,
  createMemoryBuildCache,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  createMemoryStore,
  createMemoryTelemetryStore,
} from "@slipway/memory";
import { type ApiDeps, createApi } from "../app.ts";
import { hashToken } from "../auth.ts";

const FAST_PASSWORD_HASHING = {
  async hash(password: string) {
    const salt = randomBytes(8).toString("hex");
    return `${salt}:${createHash("sha256")
      .update(salt + password)
      .digest("hex")}`;
  },
  async verify({ hash, password }: { hash: string; password: string }) {
    const [salt, digest] = hash.split(":");
    return createHash("sha256").update(`${salt}${password}`).digest("hex") === digest;
  },
};

/**
 * The API over fresh in-memory adapters (each passes its port's contract) with one admin token,
 * "good-token", accounts at http://127.0.0.1:7300, an in-memory telemetry store and an empty
 * cost cache (so every documented route exists); `settings`, `dns` and `blobs` as given. Passwords are hashed with salted SHA-256 unless `scryptPasswords`
 * (better-auth's own, slow on purpose) is asked for.
 */
export async function setupApi(
  options: { openSignUp?: boolean; scryptPasswords?: boolean } & Pick<
    ApiDeps,
    "settings" | "dns" | "canaryWatch" | "blobs"
  > = {},
) {
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
  const git = createMemoryGitRemote();
  const deps: ApiDeps = {
    store,
    queue,
    buildCache,
    blobs: options.blobs ?? createMemoryBlobStore(),
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    git,
    urls: {
      hostname: (l: string) => `${l}.localhost`,
      url: (h: string) => `http://${h}:7380`,
      apiUrl: "http://127.0.0.1:7300",
    },
    observability: {
      store: createMemoryTelemetryStore(),
      storageOf: async () => ({ bytes: 0, uploads: 0 }),
      droppedBeforeStorage: () => 0,
    },
    // No bill fetched yet: the cost route exists (as on AWS) and answers with no days.
    siteCosts: { name: "memory", costOf: async () => ({ asOf: null, days: [] }) },
    accounts: {
      secret: "test-secret-test-secret-test-secret!",
      baseUrl: "http://127.0.0.1:7300",
      openSignUp: options.openSignUp,
      ...(options.scryptPasswords ? {} : { passwordHashing: FAST_PASSWORD_HASHING }),
    },
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.dns ? { dns: options.dns } : {}),
    ...(options.canaryWatch ? { canaryWatch: options.canaryWatch } : {}),
  };
  return { app: createApi(deps), deps, store, queue, buildCache, git };
}
