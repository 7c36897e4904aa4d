import type { IncomingMessage, ServerResponse } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import type { Socket } from "node:net";
import type { SecureContext } from "node:tls";
import { graceful, type ListenTarget } from "../graceful.ts";

export interface HttpsListenerOptions {
  /** SNI → context; null ends the handshake (no certificate for that name). */
  contextFor(servername: string): Promise<SecureContext | null>;
  /** The edge's handler: HTTP/1.1 requests as they are, HTTP/2 ones made to look like them. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  onError?(message: string): void;
}

/**
 * The edge's HTTPS listener: TLS with a certificate per domain chosen by SNI, HTTP/2 for clients
 * that offer it (ALPN) and HTTP/1.1 for the rest.
 */
export function createHttpsListener(options: HttpsListenerOptions) {
  const server = http2.createSecureServer(
    {
      allowHTTP1: true,
      SNICallback: (servername, callback) => {
        options.contextFor(servername).then(
          (context) => callback(context ? null : new Error(`no certificate for ${servername}`), context ?? undefined),
          (error: unknown) => {
            options.onError?.(`TLS context for ${servername}: ${String(error)}`);
            callback(error as Error);
          },
        );
      },
    },
    (req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse) => {
      if (req.httpVersionMajor === 2) asHttp1Headers(req as Http2ServerRequest);
      options.handle(req as IncomingMessage, res as ServerResponse);
    },
  );
  // Browsers keep connections open; match the HTTP listener.
  server.setTimeout(65_000);
  // HTTP/1.1 connections and HTTP/2 sessions alike hold the server open until they end.
  const sockets = new Set<Socket>();
  server.on("secureConnection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  const lifecycle = graceful(server, "secureConnection");

  return {
    listen(port: number | ListenTarget, hostname?: string): Promise<number> {
      return lifecycle.listen(typeof port === "number" ? { port, ...(hostname ? { host: hostname } : {}) } : port);
    },
    listeningFd: lifecycle.listeningFd,
    drain: lifecycle.drain,
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/**
 * HTTP/2 carries the host in `:authority` and the request line in pseudo-headers, which an
 * HTTP/1.1 request to a worker cannot carry: the edge sees the headers an HTTP/1.1 client sends.
 * (`method` and `url` read the pseudo-headers from elsewhere, so they are unaffected.)
 */
function asHttp1Headers(req: Http2ServerRequest): void {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [key, value] of Object.entries(req.headers)) if (!key.startsWith(":")) headers[key] = value;
  headers.host ??= req.authority;
  Object.defineProperty(req, "headers", { value: headers, configurable: true });
}
