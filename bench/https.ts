import { execFile } from "node:child_process";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { fixtureArtifact, request } from "@slipway/runtime/test-support";
import { DOMAIN, startHttpsEdge } from "./https/edge.ts";

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, "../node_modules/.bin/autocannon");
const CONNECT_LOAD = path.resolve(import.meta.dirname, "https/connect-load.ts");
const CONNECTIONS = 10;
/** New connections wait on the scheduler between steps: more loops keep the cores busy. */
const CONNECT_LOOPS = 32;
/** Each side runs TURNS turns of SLICE seconds, alternating, so drift on a shared box hits both. */
const SLICE = 4;
const TURNS = 3;
/** Issue 12's goal: HTTPS req/s through the edge at least this share of plain HTTP's. */
const GOAL = 0.8;
const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** A target of one measurement: where to connect, and the Host (SNI over TLS) to ask for. */
interface Target {
  port: number;
  host: string;
  path: string;
  tls: boolean;
}

/** Keep-alive HTTP/1.1: autocannon in its own process (the same client for HTTP and HTTPS). */
async function keepAlive(target: Target, seconds: number): Promise<number> {
  const url = `${target.tls ? "https" : "http"}://127.0.0.1:${target.port}${target.path}`;
  const args = ["-c", String(CONNECTIONS), "-d", String(seconds), "-j", "-H", `host=${target.host}`];
  if (target.tls) args.push("--servername", target.host);
  const { stdout } = await run(AUTOCANNON, [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const json = JSON.parse(stdout) as { requests: { average: number }; errors: number; non2xx: number };
  if (json.errors + json.non2xx > 0) throw new Error(`${url} (${target.host}): ${json.errors + json.non2xx} failed`);
  return json.requests.average;
}

/** A new connection per request; over TLS resuming the session the server gave, or not. */
async function newConnections(target: Target, mode: "resume" | "full", seconds: number): Promise<number> {
  const options = {
    port: target.port,
    host: target.host,
    path: target.path,
    connections: CONNECT_LOOPS,
    seconds,
    tls: target.tls ? mode : "none",
  };
  const { stdout } = await run(process.execPath, ["--import", "tsx", CONNECT_LOAD, JSON.stringify(options)]);
  const result = JSON.parse(stdout) as { rps: number; errors: number; resumed: number; handshakes: number };
  if (result.errors > 0) throw new Error(`${target.host}${target.path}: ${result.errors} failed`);
  // A "resume" run that never resumed would measure full handshakes under the wrong name (each
  // connection's first handshake has no session to resume yet).
  if (mode === "resume" && target.tls && result.resumed < result.handshakes - CONNECT_LOOPS)
    throw new Error(`${target.host}: only ${result.resumed} of ${result.handshakes} handshakes resumed`);
  return result.rps;
}

interface Comparison {
  plain: number;
  tls: number;
  /** CPU time of this process (the edge, or the bare servers) per request, µs. */
  plainCpuUs: number;
  tlsCpuUs: number;
}

/**
 * Plain and TLS measured in alternating turns: mean req/s of each, and what each request cost the
 * serving process in CPU (the load generator runs beside it on the same cores, so req/s alone
 * also counts the client's own TLS work).
 */
async function compare(
  measure: (target: Target, seconds: number) => Promise<number>,
  plain: Target,
  tls: Target,
): Promise<Comparison> {
  await measure(plain, 1);
  await measure(tls, 1);
  const sums = { plain: 0, tls: 0, plainCpu: 0, tlsCpu: 0 };
  for (let turn = 0; turn < TURNS; turn++) {
    for (const side of turn % 2 === 0 ? (["plain", "tls"] as const) : (["tls", "plain"] as const)) {
      const cpu = process.cpuUsage();
      const rps = await measure(side === "plain" ? plain : tls, SLICE);
      const used = process.cpuUsage(cpu);
      sums[side] += rps;
      sums[side === "plain" ? "plainCpu" : "tlsCpu"] += (used.user + used.system) / (rps * SLICE);
    }
  }
  const result = {
    plain: sums.plain / TURNS,
    tls: sums.tls / TURNS,
    plainCpuUs: sums.plainCpu / TURNS,
    tlsCpuUs: sums.tlsCpu / TURNS,
  };
  progress(
    `${tls.port}: plain ${Math.round(result.plain)}, tls ${Math.round(result.tls)} req/s (${(result.tls / result.plain).toFixed(2)}); ` +
      `CPU per request ${Math.round(result.plainCpuUs)} / ${Math.round(result.tlsCpuUs)} µs`,
  );
  return result;
}

/** Node's own servers answering `body` from memory: what HTTP and TLS cost without the edge. */
async function bareServers(body: Buffer, cert: { certPem: string; keyPem: string }) {
  const answer = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": body.length });
    res.end(body);
  };
  const plain = http.createServer({ keepAliveTimeout: 65_000 }, answer);
  const secure = https.createServer({ cert: cert.certPem, key: cert.keyPem, keepAliveTimeout: 65_000 }, answer);
  const listen = (server: http.Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
    );
  const ports = { plain: await listen(plain), secure: await listen(secure) };
  return {
    ports,
    close: async () => {
      for (const server of [plain, secure]) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    },
  };
}

const row = (name: string, r: Comparison, goal: boolean) =>
  `| ${name} | ${Math.round(r.plain)} | ${Math.round(r.tls)} | ${(r.tls / r.plain).toFixed(2)} | ${Math.round(
    r.plainCpuUs,
  )} / ${Math.round(r.tlsCpuUs)} | ${(r.plainCpuUs / r.tlsCpuUs).toFixed(2)} | ${
    goal ? `≥ ${GOAL} | ${r.tls / r.plain >= GOAL ? "pass" : "FAIL"}` : "— | —"
  } |`;

/**
 * Issue 12: HTTPS req/s through the edge (a custom domain with its certificate chosen by SNI,
 * through the platform's domain front and routing, SQLite store) against plain HTTP to the
 * project URL, same page, same client, same run; then the same two with a new connection per
 * request; then Node's bare http and https servers serving the same bytes, for what TLS alone
 * costs on this box. Returns markdown.
 */
export async function benchHttps(keyType: readonly string[] = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) {
  const { artifactDir } = await fixtureArtifact();
  const edge = await startHttpsEdge({ artifactDir, keyType, cached: true });
  const before = await startHttpsEdge({ artifactDir, keyType, cached: false, hstsOnResponse: true });
  const cert = edge.cert;
  const rows: string[] = [];
  const body = (await request(edge.stack.port, "/", { host: "fixture.localhost" })).body;
  const bare = await bareServers(body, cert);
  progress(`edge http ${edge.stack.port}, https ${edge.httpsPort}; page ${body.length} bytes`);
  try {
    const page = "/";
    const plain: Target = { port: edge.stack.port, host: "fixture.localhost", path: page, tls: false };
    const secure: Target = { port: edge.httpsPort, host: DOMAIN, path: page, tls: true };
    const barePlain: Target = { port: bare.ports.plain, host: DOMAIN, path: page, tls: false };
    const bareSecure: Target = { port: bare.ports.secure, host: DOMAIN, path: page, tls: true };
    const results = {
      edgeKeepAlive: await compare(keepAlive, plain, secure),
      beforeKeepAlive: await compare(
        keepAlive,
        { ...plain, port: before.stack.port },
        { ...secure, port: before.httpsPort },
      ),
      bareKeepAlive: await compare(keepAlive, barePlain, bareSecure),
      edgeResumed: await compare((t, s) => newConnections(t, "resume", s), plain, secure),
      bareResumed: await compare((t, s) => newConnections(t, "resume", s), barePlain, bareSecure),
      edgeFull: await compare((t, s) => newConnections(t, "full", s), plain, secure),
    };
    rows.push(
      row("edge, keep-alive (autocannon)", results.edgeKeepAlive, true),
      row(
        "edge as before (domain record read whole by front, routing and SNI; HSTS set on the response), keep-alive",
        results.beforeKeepAlive,
        false,
      ),
      row("bare Node http / https, keep-alive (autocannon)", results.bareKeepAlive, false),
      // Not a goal: a handshake per request costs Node's bare https server as much (its row below).
      row("edge, new connection per request, TLS session resumed", results.edgeResumed, false),
      row("bare Node http / https, new connection per request, resumed", results.bareResumed, false),
      row("edge, new connection per request, full TLS handshake", results.edgeFull, false),
    );
  } finally {
    await bare.close();
    await edge.close();
    await before.close();
  }
  return [
    `GET \`/\` (prerendered, ${body.length} bytes, from the edge cache): plain HTTP to the project URL on the edge`,
    `port against HTTPS (TLS 1.3, SNI, certificate key \`${keyType.join(" ")}\`) to a custom domain on the edge's HTTPS`,
    `listener, through the platform's domain front and routing on a SQLite store. ${CONNECTIONS} connections, turns of`,
    `${SLICE} s alternating, ${TURNS} each; HTTP/1.1 (autocannon speaks no HTTP/2). The bare rows serve the same`,
    "bytes from Node's own http and https servers: what TLS alone costs on this box, same client. Server capacity",
    "is the ratio of the serving process's CPU per request (HTTP / HTTPS): req/s with the client on another machine.",
    "",
    "| measurement | HTTP req/s | HTTPS req/s | HTTPS / HTTP | server CPU µs per request (HTTP / HTTPS) | server capacity HTTPS / HTTP | goal | result |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ...rows,
  ].join("\n");
}
