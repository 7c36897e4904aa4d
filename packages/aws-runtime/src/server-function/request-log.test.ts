import { describe, expect, it } from "vitest";
import {
  functionUrlEvent,
  installAwsLambdaGlobal,
  invokeFunctionUrl,
} from "../test-support/lambda-streaming-runtime.ts";
import { awslambda, type StreamingHandler } from "./lambda-streaming.ts";
import { withBufferedRequestLog, withRequestLog } from "./request-log.ts";

installAwsLambdaGlobal();

function collect() {
  const lines: string[] = [];
  return { lines, out: (line: string) => lines.push(line), parsed: () => lines.map((l) => JSON.parse(l)) };
}

const streamed: StreamingHandler = async (event, responseStream) => {
  const path = (event as { rawPath: string }).rawPath;
  const stream = awslambda().HttpResponseStream.from(responseStream, {
    statusCode: path === "/missing" ? 404 : 200,
    headers: { "content-type": "text/plain" },
  });
  stream.write("héllo ");
  await new Promise((resolve) => setImmediate(resolve));
  stream.end(Buffer.from("world"));
};

describe("the request line of the server function", () => {
  it("writes one JSON line per request with status, body bytes and the cold start of the first only", async () => {
    const log = collect();
    const handler = awslambda().streamifyResponse(withRequestLog(streamed, log.out));
    const first = await invokeFunctionUrl(handler, functionUrlEvent({ path: "/blog/post?token=secret" }), {
      awsRequestId: "req-1",
    });
    await invokeFunctionUrl(handler, functionUrlEvent({ method: "POST", path: "/missing" }), { awsRequestId: "req-2" });
    expect(first.text).toBe("héllo world");
    expect(log.lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    const [a, b] = log.parsed();
    expect(a).toMatchObject({
      slipway: "request",
      requestId: "req-1",
      method: "GET",
      path: "/blog/post",
      status: 200,
      bytes: Buffer.byteLength("héllo world"),
      coldStart: true,
    });
    expect(a.durationMs).toBeGreaterThanOrEqual(0);
    expect(b).toMatchObject({ requestId: "req-2", method: "POST", path: "/missing", status: 404, coldStart: false });
    expect(JSON.stringify(a)).not.toContain("secret");
  });

  it("logs a handler that throws as a 500 and lets the error through", async () => {
    const log = collect();
    const handler = awslambda().streamifyResponse(
      withRequestLog(async () => {
        throw new Error("boom");
      }, log.out),
    );
    await expect(invokeFunctionUrl(handler, functionUrlEvent({ path: "/fail" }))).rejects.toThrow("boom");
    expect(log.parsed()).toEqual([expect.objectContaining({ path: "/fail", status: 500, bytes: 0 })]);
  });

  it("counts a body written without a prelude as all body, status 200", async () => {
    const log = collect();
    const handler = awslambda().streamifyResponse(
      withRequestLog(async (_event, responseStream) => {
        responseStream.end("plain");
      }, log.out),
    );
    await invokeFunctionUrl(handler, functionUrlEvent({ path: "/" }));
    expect(log.parsed()).toEqual([expect.objectContaining({ status: 200, bytes: 5 })]);
  });
});

describe("the request line of the image function", () => {
  it("takes status and decoded body length from the buffered result", async () => {
    const log = collect();
    const handler = withBufferedRequestLog(
      async () => ({ statusCode: 200, body: Buffer.from("png-bytes").toString("base64"), isBase64Encoded: true }),
      log.out,
    );
    await invokeFunctionUrl(handler, functionUrlEvent({ path: "/_next/image" }), { awsRequestId: "img-1" });
    expect(log.parsed()).toEqual([
      expect.objectContaining({ requestId: "img-1", path: "/_next/image", status: 200, bytes: 9, coldStart: true }),
    ]);
  });
});
