import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CertificateDeps,
  type Domain,
  ISSUE_CERTIFICATE_JOB,
  issueCertificateStep,
  queueDueCertificates,
} from "@slipway/core";
import { domain as domainFixture, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemorySecrets, createMemoryStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { certificateClock } from "./certificates.ts";
import { parsePlatformConfig } from "./config.ts";

// Issuance and renewal on an injected clock: renew 30 days before expiry, back off on failure,
// and never take a site down while its certificate is valid.

const DAY = 86_400_000;
const START = new Date("2026-03-01T00:00:00.000Z");

async function setup(status: Domain["status"] = "verified") {
  const queue = createMemoryQueue();
  const store = createMemoryStore(queue);
  const secrets = createMemorySecrets();
  const p = project();
  await store.projects.create(p);
  let now = START;
  let failure: string | null = null;
  let serial = 0;
  const orders: string[] = [];
  const deps: CertificateDeps = {
    store,
    queue,
    secrets,
    now: () => now,
    issuer: {
      name: "fake",
      async issue(hostname, challenges) {
        orders.push(hostname);
        await challenges.publish(hostname, { token: "tok", keyAuthorization: "tok.key" });
        // The edge answers from the Store while the CA checks.
        expect((await store.domains.get(hostname))?.challenge).toEqual({ token: "tok", keyAuthorization: "tok.key" });
        await challenges.withdraw(hostname);
        if (failure) throw new Error(failure);
        serial += 1;
        return { certPem: `CERT ${serial}`, keyPem: `KEY ${serial}`, notAfter: new Date(now.getTime() + 90 * DAY) };
      },
    },
  };
  const hostname = "shop.example.com";
  await store.domains.create(
    domainFixture(p.id, {
      hostname,
      status,
      nextAttemptAt: START.toISOString(),
      createdAt: START.toISOString(),
      updatedAt: START.toISOString(),
    }),
  );
  const get = async () => (await store.domains.get(hostname)) as Domain;
  const drainQueue = async () => {
    const hosts: unknown[] = [];
    for (let job = await queue.claim(1000); job; job = await queue.claim(1000)) {
      expect(job.type).toBe(ISSUE_CERTIFICATE_JOB);
      hosts.push((job.payload as { hostname: string }).hostname);
      await queue.complete(job.receipt);
    }
    return hosts;
  };
  return {
    deps,
    store,
    secrets,
    hostname,
    orders,
    get,
    drainQueue,
    at: (date: Date) => {
      now = date;
    },
    fail: (reason: string | null) => {
      failure = reason;
    },
  };
}

describe("certificate issuance and renewal", () => {
  it("issues a verified domain's certificate, its key encrypted, and schedules renewal 30 days before expiry", async () => {
    const t = await setup();
    await issueCertificateStep(t.deps, t.hostname);
    const domain = await t.get();
    expect(domain).toMatchObject({ status: "active", statusReason: null, challenge: null, failedAttempts: 0 });
    expect(domain.certificate?.certPem).toBe("CERT 1");
    expect(domain.certificate?.keyEncrypted).not.toContain("KEY 1");
    expect(await t.secrets.decrypt(domain.certificate?.keyEncrypted ?? "")).toBe("KEY 1");
    expect(domain.nextAttemptAt).toBe(new Date(START.getTime() + 60 * DAY).toISOString());
    // Run again (a duplicate message): nothing is due, no second order.
    await issueCertificateStep(t.deps, t.hostname);
    expect(t.orders).toHaveLength(1);
  });

  it("the sweep queues a renewal only once the clock is 30 days from expiry", async () => {
    const t = await setup();
    await issueCertificateStep(t.deps, t.hostname);
    t.at(new Date(START.getTime() + 59 * DAY));
    expect(await queueDueCertificates(t.deps)).toEqual([]);
    t.at(new Date(START.getTime() + 61 * DAY));
    expect(await queueDueCertificates(t.deps)).toEqual([t.hostname]);
    expect(await t.drainQueue()).toEqual([t.hostname]);
    await issueCertificateStep(t.deps, t.hostname);
    expect((await t.get()).certificate).toMatchObject({ certPem: "CERT 2", issuedAt: t.deps.now().toISOString() });
  });

  it("a failing renewal keeps the valid certificate and status active, and backs off 5, 10, 20 minutes", async () => {
    const t = await setup();
    await issueCertificateStep(t.deps, t.hostname);
    const renewAt = new Date(START.getTime() + 61 * DAY);
    t.at(renewAt);
    t.fail("urn:ietf:params:acme:error:rateLimited: too many certificates");
    const minutes = (domain: Domain) => (Date.parse(domain.nextAttemptAt ?? "") - t.deps.now().getTime()) / 60_000;
    const backoffs: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await issueCertificateStep(t.deps, t.hostname);
      const domain = await t.get();
      expect(domain).toMatchObject({ status: "active", failedAttempts: attempt });
      expect(domain.certificate?.certPem).toBe("CERT 1");
      expect(domain.statusReason).toContain("renewal failed");
      expect(domain.statusReason).toContain("rateLimited");
      backoffs.push(minutes(domain));
      // Not due again before its backoff: the sweep leaves it alone.
      expect(await queueDueCertificates(t.deps)).toEqual([]);
      t.at(new Date(domain.nextAttemptAt ?? ""));
    }
    expect(backoffs).toEqual([5, 10, 20]);
    t.fail(null);
    await issueCertificateStep(t.deps, t.hostname);
    expect(await t.get()).toMatchObject({ status: "active", statusReason: null, failedAttempts: 0 });
  });

  it("a first issuance that fails ends failed with the CA's reason, and is retried after the backoff", async () => {
    const t = await setup();
    t.fail("DNS problem: NXDOMAIN looking up A for shop.example.com");
    await issueCertificateStep(t.deps, t.hostname);
    const failed = await t.get();
    expect(failed).toMatchObject({ status: "failed", certificate: null, failedAttempts: 1 });
    expect(failed.statusReason).toContain("NXDOMAIN");
    t.fail(null);
    t.at(new Date(Date.parse(failed.nextAttemptAt ?? "") + 1));
    expect(await queueDueCertificates(t.deps)).toEqual([t.hostname]);
    await issueCertificateStep(t.deps, t.hostname);
    expect(await t.get()).toMatchObject({ status: "active", statusReason: null });
  });

  it("leaves pending and removed domains alone", async () => {
    const t = await setup("pending");
    await issueCertificateStep(t.deps, t.hostname);
    expect(await queueDueCertificates(t.deps)).toEqual([]);
    await issueCertificateStep(t.deps, "gone.example.com");
    expect(t.orders).toEqual([]);
  });
});

describe("the certificate clock of SLIPWAY_CLOCK_FILE", () => {
  it("runs on from the time written, and is the real clock without a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-clock-"));
    const file = join(dir, "clock");
    const config = parsePlatformConfig({ dataDir: dir }, { SLIPWAY_CLOCK_FILE: file });
    const clock = certificateClock(config);
    expect(Math.abs(clock().getTime() - Date.now())).toBeLessThan(1000);
    const ahead = Date.now() + 40 * DAY;
    await writeFile(file, new Date(ahead).toISOString());
    const first = clock().getTime();
    expect(Math.abs(first - ahead)).toBeLessThan(1000);
    await expect.poll(() => clock().getTime()).toBeGreaterThan(first);
  });
});
