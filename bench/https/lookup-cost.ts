import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { deployment, domain, project } from "@slipway/core/contracts";
import { createAesGcmSecrets, createSqliteDomainRoutes, createSqliteStore, openSqlite } from "@slipway/local";
import { domainsThroughStore, routeThroughStore } from "@slipway/runtime";
import { DOMAIN, selfSigned } from "./edge.ts";

/**
 * `node --import tsx bench/https/lookup-cost.ts`: CPU time per custom-domain request of what the
 * edge asks about the domain (the front's lookup, then routing to the production alias, then the
 * SNI lookup of a new connection), read whole every time (as before) against the cached
 * directory. CPU time, not wall time, so other load on the box moves it little.
 */
const CALLS = 20_000;
const dir = await mkdtemp(path.join(os.tmpdir(), "slipway-lookup-cost-"));
const db = openSqlite(path.join(dir, "store.db"));
const store = createSqliteStore(db);
const secrets = createAesGcmSecrets({ key: randomBytes(32).toString("base64") });
const cert = await selfSigned(dir, DOMAIN, ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]);
await store.projects.create(project({ id: "prj_1", name: "shop" }));
await store.deployments.create(deployment("prj_1", { id: "dpl_1", status: "ready" }));
await store.aliases.set({ hostname: "shop.localhost", projectId: "prj_1", deploymentId: "dpl_1", kind: "production" });
const certificate = {
  certPem: cert.certPem,
  keyEncrypted: await secrets.encrypt(cert.keyPem),
  issuedAt: new Date().toISOString(),
  notAfter: new Date(Date.now() + 86_400_000).toISOString(),
};
await store.domains.create(domain("prj_1", { hostname: DOMAIN, status: "active", certificate }));

for (const [name, domains] of [
  ["read whole per lookup (before)", domainsThroughStore(store, secrets)],
  ["cached directory (after)", domainsThroughStore(store, secrets, createSqliteDomainRoutes(db))],
] as const) {
  const routing = routeThroughStore(store, { customDomains: domains.directory, changes: domains.directory.changes });
  const once = async () => {
    await domains.lookup(DOMAIN);
    await routing.resolveHost(DOMAIN);
    await domains.certificates.route(DOMAIN);
  };
  for (let i = 0; i < 2_000; i++) await once();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const cpu = process.cpuUsage();
    // A request per turn of the event loop, as requests arrive.
    for (let i = 0; i < CALLS; i++) {
      await once();
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const used = process.cpuUsage(cpu);
    best = Math.min(best, (used.user + used.system) / CALLS);
  }
  process.stdout.write(`${name}: ${best.toFixed(1)} µs CPU per request (best of 3 × ${CALLS})\n`);
}
await store.close();
db.close();
await rm(dir, { recursive: true, force: true });
