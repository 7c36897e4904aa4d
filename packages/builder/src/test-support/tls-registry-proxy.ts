import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { TLSSocket } from "node:tls";

export const REGISTRY_HOST = "registry.slipway.test";

/** A one-package registry: `tiny@1.0.0`, its tarball's integrity as lockfiles record it. */
export interface TinyPackage {
  tarball: Buffer;
  /** sha512-<base64>, as npm, pnpm and Yarn classic lockfiles store it. */
  integrity: string;
  shasum: string;
  url: string;
}

export interface TlsRegistryProxy {
  /** `http://127.0.0.1:<port>`, for HTTPS_PROXY. */
  url: string;
  /** The CA that signed the proxy's certificate for REGISTRY_HOST (PEM file). */
  caFile: string;
  tiny: TinyPackage;
  /** What reached it: CONNECT targets, then requests as "METHOD path auth=yes|no". */
  seen: string[];
  close(): Promise<void>;
}

/**
 * A corporate network in a box: an HTTP CONNECT proxy that intercepts TLS to REGISTRY_HOST with a
 * certificate from its own CA (made here with openssl) and answers as an npm registry that wants
 * `Authorization: Bearer <token>`. A package manager installs `tiny` only if it goes through the
 * proxy, trusts the CA and sends the token. Every other CONNECT is refused.
 */
export async function startTlsRegistryProxy(dir: string, token: string): Promise<TlsRegistryProxy> {
  mkdirSync(dir, { recursive: true });
  const { caFile, key, cert } = makeCertificates(dir);
  const tiny = makeTinyPackage(dir);
  const seen: string[] = [];

  const registry = createServer((request, response) => serveRegistry(request, response, token, tiny, seen));
  const proxy: Server = createServer((_request, response) => response.writeHead(405).end());
  proxy.on("connect", (request: IncomingMessage, socket, head) => {
    seen.push(`CONNECT ${request.url}`);
    socket.on("error", () => {});
    if (request.url !== `${REGISTRY_HOST}:443`) {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    const tls = new TLSSocket(socket, { isServer: true, key, cert });
    // A client that does not trust the CA hangs up mid-handshake: its own error says so.
    tls.on("error", () => {});
    registry.emit("connection", tls);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caFile,
    tiny,
    seen,
    close: () =>
      new Promise((resolve) => {
        proxy.closeAllConnections();
        registry.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

function serveRegistry(
  request: IncomingMessage,
  response: ServerResponse,
  token: string,
  tiny: TinyPackage,
  seen: string[],
): void {
  const authorized = request.headers.authorization === `Bearer ${token}`;
  seen.push(`${request.method} ${request.url} auth=${authorized ? "yes" : "no"}`);
  if (!authorized) {
    response.writeHead(401, { "content-type": "application/json" }).end('{"error":"token required"}');
    return;
  }
  const pathname = new URL(request.url ?? "/", `https://${REGISTRY_HOST}`).pathname;
  if (pathname === "/tiny") {
    const version = {
      name: "tiny",
      version: "1.0.0",
      main: "index.js",
      dist: { tarball: tiny.url, integrity: tiny.integrity, shasum: tiny.shasum },
    };
    const packument = { name: "tiny", "dist-tags": { latest: "1.0.0" }, versions: { "1.0.0": version } };
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument));
  } else if (pathname === "/tiny/-/tiny-1.0.0.tgz") {
    response.writeHead(200, { "content-type": "application/octet-stream" }).end(tiny.tarball);
  } else {
    response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
  }
}

function makeCertificates(dir: string) {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=Slipway Test Proxy CA",
  );
  openssl("req", ...ec, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", `/CN=${REGISTRY_HOST}`);
  writeFileSync(
    path.join(dir, "leaf.ext"),
    `subjectAltName=DNS:${REGISTRY_HOST}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "2",
    "-extfile",
    "leaf.ext",
  );
  return {
    caFile: path.join(dir, "ca.pem"),
    key: readFileSync(path.join(dir, "leaf.key")),
    cert: readFileSync(path.join(dir, "leaf.pem")),
  };
}

function makeTinyPackage(dir: string): TinyPackage {
  const pkg = path.join(dir, "tiny", "package");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "tiny", version: "1.0.0", main: "index.js" }));
  writeFileSync(path.join(pkg, "index.js"), "module.exports = 'tiny';\n");
  execFileSync("tar", ["-czf", "tiny.tgz", "package"], { cwd: path.dirname(pkg) });
  const tarball = readFileSync(path.join(dir, "tiny", "tiny.tgz"));
  return {
    tarball,
    integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}`,
    shasum: createHash("sha1").update(tarball).digest("hex"),
    url: `https://${REGISTRY_HOST}/tiny/-/tiny-1.0.0.tgz`,
  };
}
