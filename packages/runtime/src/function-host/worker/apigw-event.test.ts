import { describe, expect, it } from "vitest";
import { toApiGatewayV2Event } from "./apigw-event.mjs";

describe("toApiGatewayV2Event", () => {
  const base = { method: "POST", remoteAddress: "10.0.0.9", requestId: "req-1", now: 1_700_000_000_000 };

  it("splits path and query, moves cookies out of the headers, encodes the body", () => {
    const event = toApiGatewayV2Event({
      ...base,
      url: "/api/items?id=1&tag=a&tag=b",
      headers: {
        host: "app.localhost",
        cookie: "a=1; b=2",
        "content-type": "text/plain",
        "x-forwarded-for": "203.0.113.5, 10.0.0.1",
      },
      body: Buffer.from("héllo"),
    });
    expect(event.rawPath).toBe("/api/items");
    expect(event.rawQueryString).toBe("id=1&tag=a&tag=b");
    expect(event.queryStringParameters).toEqual({ id: "1", tag: "a,b" });
    expect(event.cookies).toEqual(["a=1", "b=2"]);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.headers.host).toBe("app.localhost");
    expect(event.requestContext.http).toMatchObject({ method: "POST", path: "/api/items", sourceIp: "203.0.113.5" });
    expect(event.requestContext.requestId).toBe("req-1");
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? "", "base64").toString("utf8")).toBe("héllo");
  });

  it("has no body, cookies or query when there are none", () => {
    const event = toApiGatewayV2Event({
      ...base,
      method: "GET",
      url: "/",
      headers: { "X-Custom": ["a", "b"] },
      body: Buffer.alloc(0),
    });
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.cookies).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.headers["x-custom"]).toBe("a, b");
    expect(event.requestContext.http.sourceIp).toBe("10.0.0.9");
  });
});
