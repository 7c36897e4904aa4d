import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createResponseSink } from "./lambda-stream.mjs";

let server: http.Server | undefined;
afterEach(() => server?.close());

/** Runs `write` against a real ServerResponse and returns what a client receives. */
async function roundTrip(write: (sink: ReturnType<typeof createResponseSink>) => void) {
  server = http.createServer((_req, res) => write(createResponseSink(res)));
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/`);
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe("createResponseSink", () => {
  it("parses the prelude (even split across writes) and streams the body", async () => {
    const res = await roundTrip((sink) => {
      const prelude = JSON.stringify({
        statusCode: 201,
        headers: { "x-a": "1", "content-encoding": "identity" },
        cookies: ["s=1"],
      });
      sink.write(prelude.slice(0, 10));
      sink.write(prelude.slice(10));
      sink.write(Buffer.alloc(8));
      sink.write("hello ");
      sink.end("world");
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-a")).toBe("1");
    expect(res.headers.get("set-cookie")).toBe("s=1");
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.body).toBe("hello world");
  });

  it("drops a stale content-length when the wrapper compressed the body", async () => {
    const res = await roundTrip((sink) => {
      sink.write(
        JSON.stringify({ statusCode: 200, headers: { "content-length": "9999", "content-encoding": "gzip" } }),
      );
      sink.write(Buffer.alloc(8));
      sink.end();
    });
    expect(res.headers.get("content-length")).not.toBe("9999");
  });
});
