import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { relayToApi } from "./api-relay";

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A stand-in API on loopback (behind a path prefix, as an API Gateway stage may be). */
async function api(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    handle(req, res, Buffer.concat(chunks).toString());
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/stage`;
}

describe("relayToApi", () => {
  it("sends the browser's request on (method, path, query, body, cookies, Origin) and answers with the API's response", async () => {
    const url = await api((req, res, body) => {
      res.setHeader("set-cookie", ["better-auth.session_token=s1; Path=/; HttpOnly", "better-auth.state=x; Path=/"]);
      res.setHeader("content-encoding", "gzip");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        gzipSync(
          JSON.stringify({
            method: req.method,
            url: req.url,
            body,
            cookie: req.headers.cookie,
            origin: req.headers.origin,
            host: req.headers.host,
            forwardedHost: req.headers["x-forwarded-host"],
          }),
        ),
      );
    });
    const response = await relayToApi(
      new Request("https://slipway.sites.example.com/api/auth/sign-in/email?x=1", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          cookie: "a=1",
          origin: "https://slipway.sites.example.com",
          connection: "keep-alive",
        },
        body: JSON.stringify({ email: "ada@example.com" }),
      }),
      url,
    );
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([
      "better-auth.session_token=s1; Path=/; HttpOnly",
      "better-auth.state=x; Path=/",
    ]);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await response.json()).toEqual({
      method: "POST",
      url: "/stage/api/auth/sign-in/email?x=1",
      body: '{"email":"ada@example.com"}',
      cookie: "a=1",
      origin: "https://slipway.sites.example.com",
      host: new URL(url).host,
      forwardedHost: "slipway.sites.example.com",
    });
  });

  it("streams the answer: the first event arrives while the API is still writing", async () => {
    let finish = () => {};
    const url = await api((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      finish = () => res.end("data: last\n\n");
    });
    const response = await relayToApi(
      new Request("https://slipway.example.com/api/v1/deployments/d1/logs?follow=1"),
      url,
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: first\n\n");
    finish();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe("data: last\n\n");
  });

  it("passes redirects and refusals through as they are", async () => {
    const url = await api((_req, res) => {
      res.writeHead(302, { location: "/sign-in" });
      res.end();
    });
    const response = await relayToApi(new Request("https://slipway.example.com/api/auth/callback"), url);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in");
  });

  it("answers 404 itself without an API URL (never a request to a default address)", async () => {
    const response = await relayToApi(new Request("https://slipway.example.com/api/v1/projects"), undefined, () => {
      throw new Error("must not be called");
    });
    expect(response.status).toBe(404);
  });
});
