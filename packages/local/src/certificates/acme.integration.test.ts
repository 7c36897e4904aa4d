import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DomainChallenge } from "@slipway/core";
import { createMemorySecrets } from "@slipway/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freeLoopbackPort, type Pebble, startPebble } from "../test-support/pebble.ts";
import { createAcmeIssuer } from "./acme.ts";

// The ACME issuer against Debian's Pebble: HTTP-01 answered by a stand-in for the edge that serves
// what the issuer published, as the edge serves it from the Store.

let pebble: Pebble;
let server: http.Server;
const published = new Map<string, DomainChallenge>();

beforeAll(async () => {
  const port = await freeLoopbackPort();
  server = http.createServer((req, res) => {
    const host = (req.headers.host ?? "").split(":")[0] ?? "";
    const challenge = published.get(host);
    const token = req.url?.replace("/.well-known/acme-challenge/", "");
    if (challenge && token === challenge.token) res.end(challenge.keyAuthorization);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  pebble = await startPebble({ httpPort: port });
});

afterAll(async () => {
  await pebble?.stop();
  await new Promise((resolve) => server?.close(resolve));
});

describe("ACME issuer (Pebble)", () => {
  it("gets a certificate through HTTP-01 that chains to Pebble's root, with one stored, encrypted account", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-acme-"));
    const secrets = createMemorySecrets();
    const options = {
      directoryUrl: pebble.directoryUrl,
      caCert: pebble.tlsCert,
      accountKeyFile: join(dir, "acme", "account.key"),
      secrets,
      email: "ops@example.com",
    };
    const issuer = createAcmeIssuer(options);
    await pebble.addA("shop.example.com", ["127.0.0.1"]);
    const withdrawn: string[] = [];
    const challenges = {
      publish: async (hostname: string, challenge: DomainChallenge) => void published.set(hostname, challenge),
      withdraw: async (hostname: string) => {
        withdrawn.push(hostname);
        published.delete(hostname);
      },
    };
    const issued = await issuer.issue("shop.example.com", challenges);
    expect(withdrawn).toEqual(["shop.example.com"]);
    const [leafPem, intermediatePem] = issued.certPem.split(/(?<=-----END CERTIFICATE-----)\s*/);
    const leaf = new X509Certificate(leafPem as string);
    expect(leaf.subjectAltName).toContain("DNS:shop.example.com");
    expect(leaf.checkPrivateKey((await import("node:crypto")).createPrivateKey(issued.keyPem))).toBe(true);
    const intermediate = new X509Certificate(intermediatePem as string);
    const root = new X509Certificate(await pebble.issuingRoot());
    expect(leaf.checkIssued(intermediate) && intermediate.checkIssued(root)).toBe(true);
    expect(issued.notAfter.getTime()).toBe(new Date(leaf.validTo).getTime());

    const stored = await readFile(options.accountKeyFile, "utf8");
    expect(stored).not.toContain("PRIVATE KEY");
    // A second issuer (a restart) reuses the account: Pebble knows its key, so no new registration.
    await pebble.addA("www.shop.example.com", ["127.0.0.1"]);
    const again = await createAcmeIssuer(options).issue("www.shop.example.com", challenges);
    expect(new X509Certificate(again.certPem).subjectAltName).toContain("DNS:www.shop.example.com");
    expect(await readFile(options.accountKeyFile, "utf8")).toBe(stored);
  });

  it("fails with the CA's reason when the challenge cannot be answered", async () => {
    const issuer = createAcmeIssuer({
      directoryUrl: pebble.directoryUrl,
      caCert: pebble.tlsCert,
      accountKeyFile: join(await mkdtemp(join(tmpdir(), "slipway-acme-")), "account.key"),
      secrets: createMemorySecrets(),
    });
    await pebble.addA("nobody.example.com", ["127.0.0.1"]);
    const ignore = { publish: async () => {}, withdraw: async () => {} };
    await expect(issuer.issue("nobody.example.com", ignore)).rejects.toThrow(/404|unauthorized|invalid/i);
    await expect(issuer.issue("*.example.com", ignore)).rejects.toThrow("needs DNS-01");
  });
});
