import { expect } from "vitest";
import { ADMIN_TOKEN_SCOPE } from "../../domain/model.ts";
import type { Queue } from "../queue.ts";
import type { Store } from "../store.ts";
import { type ContractOptions, defineContract } from "./harness.ts";
import { accountCases } from "./store-accounts.cases.ts";
import { aliasCases } from "./store-aliases.cases.ts";
import { deploymentCases } from "./store-deployments.cases.ts";
import { envVarCases } from "./store-env-vars.cases.ts";
import { deployment, envVar, project, savedProject, uniq } from "./store-fixtures.ts";

export interface StoreContractOptions extends ContractOptions<Store> {
  /** The queue that receives the store's outbox messages (SQLite: the same file; AWS: the stream's SQS). */
  outboxOf: (store: Store) => Queue;
}

/** The Store contract: every adapter (SQLite, DynamoDB, …) runs these cases. */
export function runStoreContract(options: StoreContractOptions): void {
  defineContract<Store>(
    "Store",
    options,
    (store) => store.close(),
    (test) => {
      test("projects: create then get, getByName and list return it", async (store) => {
        const p = project({ installCommand: "pnpm i", rootDir: "apps/web", nodeVersion: "24" });
        expect(await store.projects.create(p)).toBe(true);
        expect(await store.projects.get(p.id)).toEqual(p);
        expect(await store.projects.getByName(p.name)).toEqual(p);
        expect(await store.projects.list()).toContainEqual(p);
        expect(await store.projects.get("missing")).toBeNull();
        expect(await store.projects.getByName("missing")).toBeNull();
      });

      test("projects: create returns false when the name is taken", async (store) => {
        const p = await savedProject(store);
        expect(await store.projects.create(project({ name: p.name }))).toBe(false);
        expect(await store.projects.list()).toHaveLength(1);
      });

      test("projects: updateSecrets replaces only the fields it is given; null clears a credential", async (store) => {
        const p = project({ repoCredentialEncrypted: "v1:k:cred" });
        await store.projects.create(p);
        await store.projects.updateSecrets(p.id, { webhookSecretEncrypted: "v1:k:new" });
        expect(await store.projects.get(p.id)).toEqual({ ...p, webhookSecretEncrypted: "v1:k:new" });
        await store.projects.updateSecrets(p.id, {
          repoUrl: "https://example.com/r.git",
          repoCredentialEncrypted: null,
        });
        expect(await store.projects.get(p.id)).toEqual({
          ...p,
          webhookSecretEncrypted: "v1:k:new",
          repoUrl: "https://example.com/r.git",
          repoCredentialEncrypted: null,
        });
      });

      test("projects: update changes only the settings it is given; null clears a command", async (store) => {
        const p = project({ installCommand: "npm ci", buildCommand: "npm run build" });
        await store.projects.create(p);
        expect(await store.projects.update(p.id, { rootDir: "apps/web", installCommand: null })).toEqual({
          ...p,
          rootDir: "apps/web",
          installCommand: null,
        });
        const after = await store.projects.update(p.id, {
          productionBranch: "release",
          buildCommand: "make",
          nodeVersion: "24",
        });
        expect(after).toEqual({
          ...p,
          rootDir: "apps/web",
          installCommand: null,
          productionBranch: "release",
          buildCommand: "make",
          nodeVersion: "24",
        });
        expect(await store.projects.get(p.id)).toEqual(after);
        expect(await store.projects.update("missing", { rootDir: "x" })).toBeNull();
      });

      test("projects: delete removes the project and all it owns, and only that; again it returns false", async (store) => {
        const [gone, kept] = [project(), project()];
        for (const p of [gone, kept]) {
          await store.projects.create(p);
          const d = deployment(p.id);
          await store.deployments.create(d);
          await store.aliases.set({ hostname: uniq("h-"), projectId: p.id, deploymentId: d.id, kind: "production" });
          await store.envVars.upsert(envVar(p.id));
        }
        const delivery = {
          id: uniq("gh-"),
          projectId: gone.id,
          event: "push",
          receivedAt: "2026-01-01T00:00:00Z",
          outcome: "queued",
        };
        await store.webhookDeliveries.record(delivery);

        expect(await store.projects.delete(gone.id)).toBe(true);
        expect(await store.projects.get(gone.id)).toBeNull();
        expect(await store.deployments.listByProject(gone.id)).toEqual([]);
        expect(await store.aliases.listByProject(gone.id)).toEqual([]);
        expect(await store.envVars.listByProject(gone.id)).toEqual([]);
        // Its delivery ids are forgotten with it: recording one again is not a replay.
        expect(await store.webhookDeliveries.record(delivery)).toBe(true);
        expect(await store.projects.delete(gone.id)).toBe(false);

        expect(await store.projects.get(kept.id)).toEqual(kept);
        expect(await store.deployments.listByProject(kept.id)).toHaveLength(1);
        expect(await store.aliases.listByProject(kept.id)).toHaveLength(1);
        expect(await store.envVars.listByProject(kept.id)).toHaveLength(1);
      });

      deploymentCases(test);
      aliasCases(test);
      envVarCases(test);
      accountCases(test);

      test("webhookDeliveries: record returns true once, false on replay", async (store) => {
        const delivery = {
          id: uniq("gh-"),
          projectId: "p",
          event: "push",
          receivedAt: "2026-01-01T00:00:00Z",
          outcome: "queued",
        };
        expect(await store.webhookDeliveries.record(delivery)).toBe(true);
        expect(await store.webhookDeliveries.record({ ...delivery, outcome: "other" })).toBe(false);
        expect(await store.webhookDeliveries.record({ ...delivery, id: uniq("gh-") })).toBe(true);
      });

      test("webhookDeliveries: concurrent replays: exactly one is recorded", async (store) => {
        const delivery = {
          id: uniq("gh-"),
          projectId: "p",
          event: "push",
          receivedAt: "2026-01-01T00:00:00Z",
          outcome: "queued",
        };
        const results = await Promise.all(Array.from({ length: 6 }, () => store.webhookDeliveries.record(delivery)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      test("tokens: create, findByHash and count", async (store) => {
        expect(await store.tokens.count()).toBe(0);
        const token = {
          id: uniq("t"),
          name: "laptop",
          tokenHash: "a".repeat(64),
          createdAt: "2026-01-01T00:00:00Z",
          ...ADMIN_TOKEN_SCOPE,
        };
        await store.tokens.create(token);
        await store.tokens.create({ ...token, id: uniq("t"), tokenHash: "b".repeat(64) });
        expect(await store.tokens.findByHash(token.tokenHash)).toEqual(token);
        expect(await store.tokens.findByHash("c".repeat(64))).toBeNull();
        expect(await store.tokens.count()).toBe(2);
      });

      test("deployments: create with an outbox enqueues its messages with the row", async (store) => {
        const p = await savedProject(store);
        const d = deployment(p.id);
        await store.deployments.create(d, [{ type: "deploy.start", payload: { deploymentId: d.id } }]);
        const job = await options.outboxOf(store).claim(10_000);
        expect(job).toMatchObject({ type: "deploy.start", payload: { deploymentId: d.id } });
        expect(await store.deployments.get(d.id)).toEqual(d);
      });

      test("deployments: a create that fails enqueues nothing", async (store) => {
        const p = await savedProject(store);
        const d = deployment(p.id);
        await store.deployments.create(d);
        await expect(
          store.deployments.create({ ...d, commit: { ...d.commit, sha: "f".repeat(40) } }, [
            { type: "deploy.start", payload: { deploymentId: d.id } },
          ]),
        ).rejects.toThrow();
        expect(await options.outboxOf(store).pending()).toBe(0);
        expect(await store.deployments.get(d.id)).toEqual(d);
      });
    },
  );
}
