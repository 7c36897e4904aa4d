import { createMemoryBlobStore } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { createRevalidationHandler, parseRevalidationMessage } from "./revalidator.ts";

describe("revalidation messages (written by a site's own code)", () => {
  it("accepts OpenNext's message: a hostname and a path on it", () => {
    const body = JSON.stringify({ host: "Shop.Example.com", url: "/isr?x=1", eTag: '"e"', lastModified: 1 });
    expect(parseRevalidationMessage(body)).toEqual({ host: "shop.example.com", url: "/isr?x=1" });
  });

  it.each([
    ["not JSON", "{"],
    ["a host with a port or path", JSON.stringify({ host: "evil.com:8080", url: "/" })],
    ["a host with a userinfo", JSON.stringify({ host: "a@evil.com", url: "/" })],
    ["a protocol-relative url", JSON.stringify({ host: "a.com", url: "//evil.com/x" })],
    ["an absolute url", JSON.stringify({ host: "a.com", url: "https://evil.com/" })],
    ["a url with spaces", JSON.stringify({ host: "a.com", url: "/a b" })],
  ])("drops %s", (_what, body) => {
    expect(parseRevalidationMessage(body)).toBeNull();
  });

  it("acks what cannot succeed on retry (unknown host, no preview mode id) and keeps FIFO order after a failure", async () => {
    const logs: string[] = [];
    const handler = createRevalidationHandler({
      aliases: { get: async () => null },
      blobs: createMemoryBlobStore(),
      log: (line) => logs.push(line),
    });
    const result = await handler({
      Records: [
        { messageId: "1", body: "nonsense" },
        { messageId: "2", body: JSON.stringify({ host: "gone.example.com", url: "/isr" }) },
      ],
    });
    expect(result.batchItemFailures).toEqual([]);
    expect(logs).toHaveLength(2);

    let lookups = 0;
    const failing = createRevalidationHandler({
      aliases: {
        get: async () => {
          lookups++;
          throw new Error("table unavailable");
        },
      },
      blobs: createMemoryBlobStore(),
      log: () => {},
    });
    const message = (id: string) => ({ messageId: id, body: JSON.stringify({ host: "a.example.com", url: "/" }) });
    expect((await failing({ Records: [message("1"), message("2")] })).batchItemFailures).toEqual([
      { itemIdentifier: "1" },
      { itemIdentifier: "2" },
    ]);
    expect(lookups).toBe(1); // the second was handed back untried
  });
});
