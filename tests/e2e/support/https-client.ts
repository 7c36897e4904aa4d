import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import type { TLSSocket } from "node:tls";

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The serial number of the certificate the server presented. */
  serial: string;
  /** "h2" or "http/1.1", as ALPN chose. */
  protocol: string;
}

/** HTTPS to 127.0.0.1:port as a browser would for `hostname` (SNI and Host), trusting only `ca`. */
export function httpsGet(port: number, hostname: string, path: string, ca: string): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: "127.0.0.1", port, path, servername: hostname, headers: { host: hostname }, ca, agent: false },
      (res) => {
        const socket = res.socket as TLSSocket;
        const serial = socket.getPeerCertificate().serialNumber;
        const protocol = socket.alpnProtocol || "http/1.1";
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, serial, protocol }));
      },
    );
    req.on("error", reject);
  });
}

/** The same over HTTP/2 (ALPN h2), as browsers speak it. */
export function http2Get(port: number, hostname: string, path: string, ca: string): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { servername: hostname, ca });
    session.on("error", reject);
    const req = session.request({ ":path": path, ":authority": hostname });
    let text = "";
    let headers: http2.IncomingHttpHeaders = {};
    req.on("response", (h) => {
      headers = h;
    });
    req.on("data", (d) => (text += d));
    req.on("end", () => {
      const socket = session.socket as TLSSocket;
      resolve({
        status: Number(headers[":status"]),
        headers,
        text,
        serial: socket.getPeerCertificate().serialNumber,
        protocol: socket.alpnProtocol || "",
      });
      session.close();
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Requests per second `concurrency` keep-alive clients get through in `ms`, each waiting for the
 * whole response before sending the next (like a browser fetching pages).
 */
export async function requestsPerSecond(
  options: { port: number; hostname: string; path: string; ca?: string },
  concurrency: number,
  ms: number,
): Promise<number> {
  const agent = options.ca
    ? new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: options.ca, servername: options.hostname })
    : new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = options.ca ? https : http;
  const deadline = performance.now() + ms;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = client.get(
        { host: "127.0.0.1", port: options.port, path: options.path, headers: { host: options.hostname }, agent },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`${options.hostname}${options.path}: ${res.statusCode}`));
          res.resume();
          res.on("end", () => resolve());
        },
      );
      req.on("error", reject);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await one();
        done++;
      }
    }),
  );
  agent.destroy();
  return done / ((performance.now() - started) / 1000);
}
