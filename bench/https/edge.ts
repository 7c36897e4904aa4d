import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { domain } from "@slipway/core/contracts";
import { createAesGcmSecrets, createSqliteDomainRoutes, createSqliteStore, openSqlite } from "@slipway/local";
import {
  createCertificateContexts,
  createDomainFront,
  createHttpsListener,
  domainsThroughStore,
} from "@slipway/runtime";
import { FIXTURE_DEPLOYMENT_ID, FIXTURE_PROJECT_ID, startStack } from "@slipway/runtime/test-support";

const run = promisify(execFile);
export const DOMAIN = "shop.example.test";

/** A self-signed certificate for `hostname`, with the key type given to openssl. */
export async function selfSigned(dir: string, hostname: string, keyType: readonly string[]) {
  const [keyFile, certFile] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  await run("openssl", [
    ...["req", "-x509", "-newkey", ...keyType, "-nodes", "-days", "30", "-subj", `/CN=${hostname}`],
    ...["-addext", `subjectAltName=DNS:${hostname}`, "-keyout", keyFile, "-out", certFile],
  ]);
  return { certPem: await readFile(certFile, "utf8"), keyPem: await readFile(keyFile, "utf8") };
}

/**
 * The test stack's edge on a SQLite store with custom domains and the HTTPS listener wired as
 * `slipway up` wires them, and one active domain, DOMAIN, on the fixture project's production
 * deployment with a self-signed certificate. `cached: false` reads the whole domain record on
 * every lookup (front, routing and SNI each), as the edge did before the per-host cache;
 * `hstsOnResponse` sets the front's HSTS on the response before routing, as the edge did before
 * the front returned it (which sends the cache's flat `writeHead` list down Node's slow path).
 */
export async function startHttpsEdge(options: {
  artifactDir: string;
  keyType: readonly string[];
  cached: boolean;
  hstsOnResponse?: boolean;
}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "slipway-bench-https-"));
  const db = openSqlite(path.join(dir, "store.db"));
  const store = createSqliteStore(db);
  const secrets = createAesGcmSecrets({ key: randomBytes(32).toString("base64") });
  const cert = await selfSigned(dir, DOMAIN, options.keyType);
  const customDomains = options.cached
    ? domainsThroughStore(store, secrets, createSqliteDomainRoutes(db))
    : domainsThroughStore(store, secrets);
  let handle: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void = () => {};
  const contexts = createCertificateContexts(customDomains.certificates);
  const https = createHttpsListener({
    contextFor: contexts.contextFor,
    handle: (req, res) => handle(req, res),
    onError: (line) => process.stderr.write(`${line}\n`),
  });
  const httpsPort = await https.listen(0, "127.0.0.1");
  const front = createDomainFront({
    lookup: customDomains.lookup,
    isPlatformHost: (hostname) => hostname === "localhost" || hostname.endsWith(".localhost"),
    httpsPort,
    hsts: "max-age=31536000",
  });
  const domainFront: typeof front = options.hstsOnResponse
    ? (req, res, host, secure) => {
        const verdict = front(req, res, host, secure);
        const setOnResponse = (lines: true | readonly string[]) => {
          if (lines === true) return true;
          for (let i = 0; i + 1 < lines.length; i += 2) res.setHeader(lines[i] as string, lines[i + 1] as string);
          return [];
        };
        return verdict !== false && Promise.resolve(verdict).then(setOnResponse);
      }
    : front;
  const stack = await startStack(
    options.artifactDir,
    {},
    { domainFront, routing: { customDomains: customDomains.directory, changes: customDomains.directory.changes } },
    store,
  );
  handle = stack.edge.handleSecure;
  await store.aliases.set({
    hostname: "fixture-prod.localhost",
    projectId: FIXTURE_PROJECT_ID,
    deploymentId: FIXTURE_DEPLOYMENT_ID,
    kind: "production",
  });
  const now = new Date().toISOString();
  await store.domains.create(
    domain(FIXTURE_PROJECT_ID, {
      hostname: DOMAIN,
      status: "active",
      certificate: {
        certPem: cert.certPem,
        keyEncrypted: await secrets.encrypt(cert.keyPem),
        notAfter: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        issuedAt: now,
      },
    }),
  );
  return {
    stack,
    httpsPort,
    cert,
    async close() {
      await https.close();
      await stack.close(); // closes the store, not the connection it was given
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
