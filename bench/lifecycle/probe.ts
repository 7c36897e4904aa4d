import { Agent, request } from "node:http";

export interface Probe {
  /** performance.now() when the request was sent. */
  sentAt: number;
  status: number;
  body: string;
}

/**
 * Keeps `loops` requests to one host on the edge in flight back to back (keep-alive, like a
 * browser) and records when each was sent and what it got, until stopped. Dense enough to see
 * the instant an alias move reaches every new request.
 */
export function startProbes(edgePort: number, host: string, path: string, loops = 4) {
  const agent = new Agent({ keepAlive: true, maxSockets: loops });
  const probes: Probe[] = [];
  let stopped = false;
  const once = () =>
    new Promise<Probe>((resolve, reject) => {
      const sentAt = performance.now();
      const req = request({ host: "127.0.0.1", port: edgePort, path, headers: { host }, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ sentAt, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  const running = Array.from({ length: loops }, async () => {
    while (!stopped) probes.push(await once());
  });
  return {
    probes,
    async stop() {
      stopped = true;
      await Promise.all(running);
      agent.destroy();
    },
  };
}
