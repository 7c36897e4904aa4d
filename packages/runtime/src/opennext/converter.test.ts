import { describe, expect, it } from "vitest";
import converter from "../../opennext/overrides/converter.ts";

const event = (overrides: Record<string, unknown> = {}) => ({
  version: "2.0",
  rawPath: "/api/items",
  rawQueryString: "id=1&tag=a&tag=b",
  cookies: ["session=abc=def", "theme=dark"],
  headers: { host: "app.localhost:3000", "x-forwarded-proto": "http", "Content-Type": "text/plain" },
  requestContext: { http: { method: "POST", sourceIp: "203.0.113.5" } },
  body: Buffer.from("héllo"),
  isBase64Encoded: false,
  ...overrides,
});

describe("Slipway's API Gateway v2 converter", () => {
  it("builds request.url with the scheme the edge forwarded, not always https", async () => {
    expect((await converter.convertFrom(event())).url).toBe("http://app.localhost:3000/api/items?id=1&tag=a&tag=b");
    const onLambda = event({ headers: { host: "app.example.com", "x-forwarded-proto": "https" } });
    expect((await converter.convertFrom(onLambda)).url).toBe("https://app.example.com/api/items?id=1&tag=a&tag=b");
    const unknown = event({ headers: { host: "app.example.com" }, rawQueryString: "" });
    expect((await converter.convertFrom(unknown)).url).toBe("https://app.example.com/api/items");
  });

  it("reads the event as OpenNext's converter does: headers, cookies, query, method, client", async () => {
    const internal = await converter.convertFrom(event());
    expect(internal).toMatchObject({
      type: "core",
      method: "POST",
      rawPath: "/api/items",
      remoteAddress: "203.0.113.5",
      query: { id: "1", tag: ["a", "b"] },
      cookies: { session: "abc=def", theme: "dark" },
    });
    expect(internal.headers).toMatchObject({ "content-type": "text/plain", cookie: "session=abc=def; theme=dark" });
  });

  it("takes a Buffer body as is and decodes a Lambda's string body, base64 or not", async () => {
    expect((await converter.convertFrom(event())).body?.toString("utf8")).toBe("héllo");
    const base64 = event({ body: Buffer.from("héllo").toString("base64"), isBase64Encoded: true });
    expect((await converter.convertFrom(base64)).body?.toString("utf8")).toBe("héllo");
    expect((await converter.convertFrom(event({ body: "plain" }))).body?.toString("utf8")).toBe("plain");
    expect((await converter.convertFrom(event({ body: undefined }))).body?.length).toBe(0);
  });

  it("returns a buffered result without the headers API Gateway owns, cookies apart", async () => {
    const result = (await converter.convertTo({
      type: "core",
      statusCode: 201,
      headers: { "Content-Type": "text/plain", "set-cookie": ["a=1", "b=2"], via: "x", "x-amzn-trace": "t" },
      body: new Blob(["done"]).stream(),
      isBase64Encoded: false,
    })) as Record<string, unknown>;
    expect(result).toEqual({
      statusCode: 201,
      headers: { "content-type": "text/plain" },
      cookies: ["a=1", "b=2"],
      body: "done",
      isBase64Encoded: false,
    });
  });
});
