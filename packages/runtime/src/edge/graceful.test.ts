import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { graceful } from "./graceful.ts";

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A server whose /stream answers in three chunks 50 ms apart; every other path at once. */
async function start() {
  const server = http.createServer((req, res) => {
    if (req.url !== "/stream") return void res.end("ok");
    res.writeHead(200, { "content-type": "text/plain" });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(`chunk ${sent}\n`);
      if (++sent === 3) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
  });
  servers.push(server);
  const lifecycle = graceful(server, "connection");
  const port = await lifecycle.listen({ port: 0, host: "127.0.0.1" });
  return { server, lifecycle, port };
}

function get(agent: http.Agent, port: number, path: string) {
  return new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path, agent }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

describe("graceful drain", () => {
  it("finishes a stream in flight, refuses new connections and closes keep-alive ones after a response", async () => {
    const { lifecycle, port } = await start();
    const agent = new http.Agent({ keepAlive: true });
    expect((await get(agent, port, "/")).connection).toBe("keep-alive");
    const streamAgent = new http.Agent({ keepAlive: true });
    const streaming = get(streamAgent, port, "/stream");
    await new Promise((resolve) => setTimeout(resolve, 20));

    const drained = lifecycle.drain(5_000, 300);
    // The idle keep-alive connection still answers, and says it closes.
    const reused = await get(agent, port, "/");
    expect(reused).toMatchObject({ status: 200, connection: "close" });
    expect((await streaming).body).toBe("chunk 0\nchunk 1\nchunk 2\n");
    await expect(
      new Promise((resolve, reject) => net.connect(port, "127.0.0.1").on("connect", resolve).on("error", reject)),
      // Refused, or reset when the connect raced the listener's close (seen on a loaded machine):
      // either way nothing new is served.
    ).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
    expect(await drained).toMatchObject({ cut: 0 });
    agent.destroy();
    streamAgent.destroy();
  });

  it("closes a connection that stays idle past the grace, and cuts what runs past the bound", async () => {
    const { lifecycle, port } = await start();
    const idle = new http.Agent({ keepAlive: true });
    await get(idle, port, "/");
    const quiet = await lifecycle.drain(2_000, 50);
    expect(quiet.cut).toBe(0);
    expect(quiet.ms).toBeLessThan(1_000);
    idle.destroy();

    const next = await start();
    const agent = new http.Agent({ keepAlive: true });
    const streaming = get(agent, next.port, "/stream").then(
      () => "completed",
      () => "cut",
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const report = await next.lifecycle.drain(30);
    expect(report.cut).toBe(1);
    expect(await streaming).toBe("cut");
    agent.destroy();
  });

  it("hands out its listening descriptor, which a second server can listen on", async () => {
    const { lifecycle, port } = await start();
    const fd = lifecycle.listeningFd();
    expect(fd).toBeGreaterThan(2);
    await lifecycle.drain(1_000);
    expect(lifecycle.listeningFd()).toBeNull();
    expect(port).toBeGreaterThan(0);
  });
});
