import { describe, expect, it } from "vitest";
import { storedHead, withAnswerHeaders } from "./head.ts";

const pairs = (lines: readonly string[]) => {
  const out: [string, string][] = [];
  for (let i = 0; i < lines.length; i += 2) out.push([lines[i] as string, lines[i + 1] as string]);
  return out;
};

describe("stored response head", () => {
  const head = storedHead(
    { "content-type": "text/html", etag: '"abc"', link: ["</a.css>; rel=preload", "</b.js>; rel=preload"] },
    1234,
  );

  it("lays out every stored header once, repeated ones as repeated lines, with the body's length", () => {
    expect(pairs(head.full)).toEqual([
      ["etag", '"abc"'],
      ["link", "</a.css>; rel=preload"],
      ["link", "</b.js>; rel=preload"],
      ["content-length", "1234"],
      ["content-type", "text/html"],
    ]);
    expect(head.etag).toBe('"abc"');
  });

  it("answers a 304 without content-type and content-length", () => {
    expect(pairs(head.notModified).map(([name]) => name)).toEqual(["etag", "link", "link"]);
  });

  it("appends the per-answer headers to a copy, leaving the stored lines as they were", () => {
    const lines = withAnswerHeaders(head.full, "3", "HIT", "req-1");
    expect(pairs(lines).slice(-4)).toEqual([
      ["age", "3"],
      ["x-nextjs-cache", "HIT"],
      ["x-slipway-cache", "HIT"],
      ["x-request-id", "req-1"],
    ]);
    expect(head.full).toHaveLength(10);
  });
});
