import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import proxy from "../../opennext/overrides/proxy-external-request.ts";

let upstream: http.Server;
let port = 0;
beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain", "x-seen-host": String(req.headers["x-forwarded-host"]) });
    res.end(`upstream saw ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  port = (upstream.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const event = (url: string) => ({
  type: "core" as const,
  method: "GET",
  rawPath: "/x",
  url,
  headers: { host: "app.localhost", "x-forwarded-host": "evil.example" },
  query: {},
  cookies: {},
  remoteAddress: "127.0.0.1",
});

const text = async (body: ReadableStream) => new Response(body).text();

describe("external rewrite proxy", () => {
  it("relays a plain-HTTP upstream with the original host as x-forwarded-host", async () => {
    const result = await proxy.proxy(event(`http://127.0.0.1:${port}/path?q=1`));
    expect(result.statusCode).toBe(200);
    expect(result.headers["x-seen-host"]).toBe("app.localhost");
    expect(await text(result.body)).toBe("upstream saw GET /path?q=1");
  });

  it("answers 502 for this request when the upstream cannot be reached, instead of throwing", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await proxy.proxy(event(`http://127.0.0.1:${closedPort}/`));
    expect(result.statusCode).toBe(502);
    expect(await text(result.body)).toContain("ECONNREFUSED");
  });

  it("answers 502 for a scheme it cannot speak", async () => {
    const result = await proxy.proxy(event("ftp://files.example/x"));
    expect(result.statusCode).toBe(502);
  });
});
