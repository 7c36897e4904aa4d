import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2Session } from "node:http2";
import net, { type AddressInfo, type Socket } from "node:net";

/** Where a listener listens: a port to bind, or a socket already bound (systemd, a restart's handoff). */
export type ListenTarget = { readonly port: number; readonly host?: string } | { readonly fd: number };

export interface DrainReport {
  /** Connections still open at the bound, cut mid-response or mid-stream. */
  readonly cut: number;
  readonly ms: number;
}

export interface GracefulServer {
  listen(target: ListenTarget): Promise<number>;
  /** The listening socket's descriptor, to hand to a successor process; null when not listening. */
  listeningFd(): number | null;
  /**
   * Stops accepting and lets every connection finish what it is doing: each response from now on
   * says `Connection: close`, HTTP/2 sessions get a GOAWAY, and a connection that stays idle for
   * `idleGraceMs` is closed. At `boundMs` whatever is left is cut.
   */
  drain(boundMs: number, idleGraceMs?: number): Promise<DrainReport>;
}

/** How long a connection with no request may sit before a draining server closes it. */
export const DEFAULT_IDLE_GRACE_MS = 1_000;
const CHECK_EVERY_MS = 25;

interface ConnectionState {
  active: number;
  idleSince: number;
  /** Carries an HTTP/2 session: the session's GOAWAY ends it, not the idle check. */
  http2: boolean;
}

/**
 * Graceful stop for an HTTP (or HTTP/2 + HTTP/1.1 TLS) server. Node's own `close()` also closes
 * every connection that has no request under way, and a connection just accepted whose request
 * is still in the kernel's buffer counts as one: its client would see a reset. So this stops
 * only the accepting, and closes a connection after a response that said so, or after it stayed
 * idle for a grace period (a client reusing a keep-alive connection does so within milliseconds).
 */
export function graceful(server: net.Server, connectionEvent: "connection" | "secureConnection"): GracefulServer {
  const connections = new Map<Socket, ConnectionState>();
  const sessions = new Set<Http2Session>();
  let draining = false;

  server.on(connectionEvent, (socket: Socket) => {
    const http2 = (socket as Socket & { alpnProtocol?: string | false }).alpnProtocol === "h2";
    connections.set(socket, { active: 0, idleSince: Date.now(), http2 });
    socket.once("close", () => connections.delete(socket));
  });
  server.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    if (draining) session.close();
  });
  // Before the handler, so `Connection: close` is set before any response header goes out.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.httpVersionMajor >= 2) return;
    const state = connections.get(req.socket);
    if (state) {
      state.active++;
      res.once("close", () => {
        state.active--;
        state.idleSince = Date.now();
      });
    }
    if (draining) res.setHeader("connection", "close");
  });

  return {
    listen(target) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        const done = () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        };
        if ("fd" in target) server.listen({ fd: target.fd }, done);
        else server.listen(target.port, target.host, done);
      });
    },
    listeningFd() {
      // Not in Node's typings: the bound socket's descriptor, the one thing a successor needs.
      const fd = (server as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
      return typeof fd === "number" && fd >= 0 ? fd : null;
    },
    async drain(boundMs, idleGraceMs = DEFAULT_IDLE_GRACE_MS) {
      const started = Date.now();
      draining = true;
      // net.Server's close, not http.Server's: stop accepting, leave every open connection be.
      if (server.listening) net.Server.prototype.close.call(server);
      for (const session of sessions) session.close();
      while (connections.size > 0 && Date.now() - started < boundMs) {
        const now = Date.now();
        for (const [socket, state] of connections) {
          // Idle time counts from the drain at the earliest: the client had no warning before it.
          const idleMs = now - Math.max(state.idleSince, started);
          if (!state.http2 && state.active === 0 && idleMs >= idleGraceMs) socket.destroy();
        }
        await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
      }
      const cut = connections.size;
      for (const socket of connections.keys()) socket.destroy();
      for (const session of sessions) session.destroy();
      return { cut, ms: Date.now() - started };
    },
  };
}
