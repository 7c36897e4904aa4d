import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../../test-support/http-client.ts";
import { type Captured, captureResponse } from "./capture.ts";

/** A server whose every response is captured, as the edge captures a worker's answer. */
let server: http.Server;
let port = 0;
const seen: { path: string; captured: Captured | null; wantedAsked: boolean }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const record = { path: req.url ?? "", captured: null as Captured | null, wantedAsked: false };
    seen.push(record);
    captureResponse(res, {
      maxBytes: 1024,
      wanted: (_status, headers) => {
        record.wantedAsked = true;
        return headers["cache-control"] !== "no-store";
      },
      onComplete: (captured) => {
        record.captured = captured;
      },
    });
    res.writeHead(200, { "cache-control": req.url === "/dynamic" ? "no-store" : "s-maxage=60" });
    res.write("hello ");
    res.end("world");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("captureResponse", () => {
  it("copies a wanted response as it streams", async () => {
    const res = await request(port, "/static");
    expect(res.body.toString()).toBe("hello world");
    const record = seen.find((r) => r.path === "/static");
    expect(record?.captured?.body.toString()).toBe("hello world");
    expect(record?.captured?.headers["cache-control"]).toBe("s-maxage=60");
  });

  it("keeps no copy of a response its head says can never be stored, and still sends all of it", async () => {
    const res = await request(port, "/dynamic");
    expect(res.body.toString()).toBe("hello world");
    const record = seen.find((r) => r.path === "/dynamic");
    expect(record?.wantedAsked).toBe(true);
    expect(record?.captured).toBeNull();
  });
});
