import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type DomainCertificate, type DomainRoute, domainRouteOf } from "@slipway/core";
import { domain } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { type CertificateSource, createCertificateContexts } from "./certificates.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "slipway-certificates-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed P-256 certificate for `hostname` (openssl, as CI installs it for Pebble). */
function certificate(hostname: string, issuedAt: string): DomainCertificate {
  const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"],
      ...["-subj", `/CN=${hostname}`, "-keyout", key, "-out", cert],
    ],
    { stdio: "ignore" },
  );
  return {
    certPem: readFileSync(cert, "utf8"),
    keyEncrypted: `sealed:${readFileSync(key, "utf8")}`,
    issuedAt,
    notAfter: "2099-01-01T00:00:00.000Z",
  };
}

/** Records by hostname; counts full reads and decryptions (the work a context costs). */
function source(records: Map<string, DomainCertificate | null>) {
  const counts = { certificateReads: 0, decrypts: 0 };
  const routeOf = (hostname: string): DomainRoute | null => {
    const name = records.has(hostname) ? hostname : `*${hostname.slice(hostname.indexOf("."))}`;
    if (!records.has(name)) return null;
    return domainRouteOf(domain("prj_1", { hostname: name, certificate: records.get(name) ?? null }));
  };
  return {
    counts,
    source: {
      route: async (hostname) => routeOf(hostname),
      certificate: async (hostname) => {
        counts.certificateReads++;
        return records.get(hostname) ?? null;
      },
      decrypt: async (ciphertext) => {
        counts.decrypts++;
        return ciphertext.replace(/^sealed:/, "");
      },
    } satisfies CertificateSource,
  };
}

describe("certificate contexts", () => {
  it("builds one context per certificate, shared by every handshake and by a wildcard's names", async () => {
    const records = new Map([
      ["shop.example.com", certificate("shop.example.com", "2026-01-01T00:00:00.000Z")],
      ["*.example.org", certificate("*.example.org", "2026-01-01T00:00:00.000Z")],
    ]);
    const { counts, source: src } = source(records);
    const contexts = createCertificateContexts(src);
    const first = await Promise.all([contexts.contextFor("SHOP.example.com"), contexts.contextFor("shop.example.com")]);
    expect(first[0]).not.toBeNull();
    expect(first[1]).toBe(first[0]);
    expect(await contexts.contextFor("shop.example.com")).toBe(first[0]);
    const a = await contexts.contextFor("a.example.org");
    expect(await contexts.contextFor("b.example.org")).toBe(a);
    expect(counts).toEqual({ certificateReads: 2, decrypts: 2 });
  });

  it("replaces the context when the certificate is renewed, and serves none once it is gone", async () => {
    const records = new Map([["shop.example.com", certificate("shop.example.com", "2026-01-01T00:00:00.000Z")]]);
    const { counts, source: src } = source(records);
    const contexts = createCertificateContexts(src);
    const old = await contexts.contextFor("shop.example.com");
    records.set("shop.example.com", certificate("shop.example.com", "2026-02-01T00:00:00.000Z"));
    const renewed = await contexts.contextFor("shop.example.com");
    expect(renewed).not.toBeNull();
    expect(renewed).not.toBe(old);
    expect(counts.decrypts).toBe(2);
    records.delete("shop.example.com");
    expect(await contexts.contextFor("shop.example.com")).toBeNull();
    expect(await contexts.contextFor("nobody.example.com")).toBeNull();
    expect(contexts.size).toBe(0);
  });
});
