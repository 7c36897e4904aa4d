import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

/** A local stand-in for GitHub's REST API: records every request, answers like GitHub would. */
export interface FakeGithub {
  url: string;
  requests: RecordedRequest[];
  /** While true, every request is answered 503 (a GitHub outage). */
  failing: boolean;
  close(): Promise<void>;
}

export async function startFakeGithub(): Promise<FakeGithub> {
  const requests: RecordedRequest[] = [];
  let nextDeploymentId = 1000;
  const fake: FakeGithub = {
    url: "",
    requests,
    failing: false,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      requests.push({
        method: req.method ?? "GET",
        path,
        authorization: req.headers.authorization,
        body: raw ? JSON.parse(raw) : {},
      });
      if (fake.failing) {
        res.writeHead(503, { "content-type": "application/json" }).end('{"message":"unavailable"}');
        return;
      }
      // Creating a deployment is the one call whose answer the reporter reads (the id).
      const body = /\/deployments$/.test(path) ? { id: nextDeploymentId++ } : { id: 1 };
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  return fake;
}
