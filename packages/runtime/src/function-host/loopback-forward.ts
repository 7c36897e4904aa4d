import { rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/** A service on the host's loopback that a sandboxed worker may reach (its own port, inside). */
export interface LoopbackTarget {
  readonly host: string;
  readonly port: number;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/;

/** `127.0.0.1:5432` → target; throws with the bad value otherwise (the platform's config reports it). */
export function parseLoopbackTarget(text: string): LoopbackTarget {
  const match = /^(.+):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  const host = match?.[1]?.replace(/^\[(.*)\]$/, "$1");
  if (!match || host === undefined || !LOOPBACK.test(host) || port < 1 || port > 65_535) {
    throw new Error(`"${text}" is not a loopback host:port (e.g. 127.0.0.1:5432)`);
  }
  return { host, port };
}

export interface Forwards {
  /** `port=socket` pairs for the worker: it listens on 127.0.0.1:port inside and connects to socket. */
  readonly specs: string[];
  close(): void;
}

/**
 * The host half of the loopback allowlist: one unix socket per target in the worker's own socket
 * folder (the only host path it can write), each connection piped to the target on the host's
 * loopback. The worker reaches exactly these ports and no other loopback service.
 */
export async function openForwards(dir: string, targets: readonly LoopbackTarget[]): Promise<Forwards> {
  const servers: net.Server[] = [];
  const specs: string[] = [];
  const seen = new Set<number>();
  try {
    for (const target of targets) {
      if (seen.has(target.port)) continue; // one listener per port inside the sandbox
      seen.add(target.port);
      const socketPath = path.join(dir, `fwd-${target.port}`);
      rmSync(socketPath, { force: true });
      const server = net.createServer((inside) => {
        const outside = net.connect(target.port, target.host);
        inside.pipe(outside).pipe(inside);
        inside.on("error", () => outside.destroy());
        outside.on("error", () => inside.destroy());
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(socketPath, () => resolve());
      });
      specs.push(`${target.port}=${socketPath}`);
    }
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  return {
    specs,
    close: () => {
      for (const server of servers) server.close();
    },
  };
}
