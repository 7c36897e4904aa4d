import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifySignature } from "./webhook-signature.ts";

describe("verifySignature", () => {
  const body = Buffer.from('{"zen":"Keep it logically awesome."}');
  const sign = (secret: string, data: Buffer) => `sha256=${createHmac("sha256", secret).update(data).digest("hex")}`;

  it("accepts GitHub's HMAC-SHA256 of the raw body", () => {
    expect(() => verifySignature("s3cret", sign("s3cret", body), body)).not.toThrow();
  });

  it.each([
    ["missing", undefined],
    ["wrong secret", sign("other", body)],
    ["other body", sign("s3cret", Buffer.from("{}"))],
    ["truncated", sign("s3cret", body).slice(0, 20)],
    ["sha1 scheme", "sha1=abc"],
  ])("rejects a %s signature with BAD_SIGNATURE", (_, header) => {
    expect(() => verifySignature("s3cret", header, body)).toThrow(expect.objectContaining({ code: "BAD_SIGNATURE" }));
  });
});
