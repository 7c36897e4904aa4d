import { promises as fs } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";

/**
 * Background refreshes of stale entries, at most one per key at a time. A refresh is a real
 * request through the edge's own routing (so the function host gets a real request and
 * response, whatever it does with them), sent over a unix socket in a private folder that only
 * this process serves: no client can reach the refresh path or pose as a refresh.
 */
export function createRefresher(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const inflight = new Set<string>();
  let server: Promise<{ server: http.Server; socketPath: string; dir: string }> | undefined;

  function start() {
    server ??= (async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-edge-refresh-"));
      const socketPath = path.join(dir, "refresh.sock");
      const srv = http.createServer(handle);
      await new Promise<void>((resolve, reject) => {
        srv.once("error", reject);
        srv.listen(socketPath, () => resolve());
      });
      return { server: srv, socketPath, dir };
    })();
    return server;
  }

  return {
    get inflight(): number {
      return inflight.size;
    },
    /** Starts a refresh unless one for `key` is under way; resolves when it ended, never rejects. */
    refresh(key: string, url: string, headers: Readonly<Record<string, string>>): Promise<void> {
      if (inflight.has(key)) return Promise.resolve();
      inflight.add(key);
      return start()
        .then(
          ({ socketPath }) =>
            new Promise<void>((resolve) => {
              const req = http.request({ socketPath, path: url, method: "GET", headers }, (res) => {
                res.resume();
                res.on("end", resolve);
                res.on("error", () => resolve());
              });
              req.on("error", () => resolve());
              req.end();
            }),
        )
        .catch(() => {})
        .finally(() => inflight.delete(key));
    },
    async close(): Promise<void> {
      if (!server) return;
      const { server: srv, dir } = await server.catch(() => ({ server: null, dir: null }));
      if (srv) {
        const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
        srv.closeAllConnections();
        await closed;
      }
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
