import net from "node:net";
import tls from "node:tls";

/**
 * A load generator for the HTTPS benchmark, run in its own process: `connections` loops, each
 * opening a new connection per request (`Connection: close`), as a browser does for a new tab on
 * a site it visited before. `tls` chooses plain TCP, TLS that resumes the last session the server
 * gave (session ticket), or TLS with a full handshake every time. Prints one JSON line:
 * `{ rps, errors, resumed, handshakes }`. autocannon cannot resume TLS sessions, hence this.
 *
 * argv[2]: JSON of { port, host, servername, path, connections, seconds, tls }.
 */
interface Options {
  port: number;
  /** The Host header (and the SNI name over TLS). */
  host: string;
  path: string;
  connections: number;
  seconds: number;
  tls: "none" | "resume" | "full";
}

const options = JSON.parse(process.argv[2] ?? "{}") as Options;
const request = Buffer.from(`GET ${options.path} HTTP/1.1\r\nHost: ${options.host}\r\nConnection: close\r\n\r\n`);
const counts = { done: 0, errors: 0, resumed: 0, handshakes: 0 };

function once(session: Buffer | undefined): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    let next = session;
    let head = "";
    const socket =
      options.tls === "none"
        ? net.connect(options.port, "127.0.0.1")
        : tls.connect({
            port: options.port,
            host: "127.0.0.1",
            servername: options.host,
            rejectUnauthorized: false,
            ...(options.tls === "resume" && session ? { session } : {}),
          });
    const ready = options.tls === "none" ? "connect" : "secureConnect";
    socket.once(ready, () => {
      if (socket instanceof tls.TLSSocket) {
        counts.handshakes++;
        if (socket.isSessionReused()) counts.resumed++;
      }
      socket.write(request);
    });
    socket.on("session", (ticket: Buffer) => {
      next = ticket;
    });
    socket.on("data", (chunk: Buffer) => {
      if (head.length < 12) head += chunk.subarray(0, 12).toString("latin1");
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (head.startsWith("HTTP/1.1 200")) counts.done++;
      else counts.errors++;
      resolve(next);
    });
  });
}

const started = performance.now();
const deadline = started + options.seconds * 1000;
await Promise.all(
  Array.from({ length: options.connections }, async () => {
    let session: Buffer | undefined;
    while (performance.now() < deadline) session = await once(session);
  }),
);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ rps: counts.done / seconds, errors: counts.errors, resumed: counts.resumed, handshakes: counts.handshakes })}\n`,
);
