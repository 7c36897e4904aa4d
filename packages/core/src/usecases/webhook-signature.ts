import { createHmac, timingSafeEqual } from "node:crypto";
import { SlipwayError } from "../errors.ts";

/** GitHub's X-Hub-Signature-256: the scheme and 64 hex digits of HMAC-SHA256. */
const SIGNATURE_HEADER = /^sha256=[0-9a-f]{64}$/;

const HINT =
  "Set the webhook secret in GitHub to the one `slipway projects create` printed, content type application/json.";

export interface SignatureCheck {
  /** Feeds the next bytes of the raw body, in order, as they arrive. */
  update(chunk: Uint8Array): void;
  /** After the last byte: throws BAD_SIGNATURE unless the header is the HMAC of everything fed. */
  verify(): void;
}

/**
 * Starts checking a webhook signature before the body is read: a missing or malformed header is
 * refused at once, so an unauthenticated sender cannot make Slipway read (or hold) its body.
 */
export function startSignatureCheck(secret: string, header: string | undefined): SignatureCheck {
  if (!secret) throw new SlipwayError("INTERNAL", "Project has an empty webhook secret."); // never stored so
  if (!header) throw new SlipwayError("BAD_SIGNATURE", "X-Hub-Signature-256 header is missing.", HINT);
  if (!SIGNATURE_HEADER.test(header)) {
    throw new SlipwayError("BAD_SIGNATURE", `X-Hub-Signature-256 "${header.slice(0, 80)}" is not sha256=<hex>.`, HINT);
  }
  const given = Buffer.from(header);
  const hmac = createHmac("sha256", secret);
  return {
    update: (chunk) => void hmac.update(chunk),
    verify() {
      const expected = Buffer.from(`sha256=${hmac.digest("hex")}`);
      // Equal lengths by the header check above; timingSafeEqual keeps the comparison constant-time.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new SlipwayError("BAD_SIGNATURE", "X-Hub-Signature-256 does not match the body.", HINT);
      }
    },
  };
}

/** The whole check over a body already in memory. */
export function verifySignature(secret: string, header: string | undefined, body: Uint8Array): void {
  const check = startSignatureCheck(secret, header);
  check.update(body);
  check.verify();
}
