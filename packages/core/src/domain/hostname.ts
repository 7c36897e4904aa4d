import { domainToASCII } from "node:url";

export const HOSTNAME_MAX = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type HostnameCheck = { ok: true; hostname: string; wildcard: boolean } | { ok: false; problem: string };

/**
 * A custom domain as typed by a user → its canonical form: lowercase ASCII with IDNs as punycode
 * (`Bücher.example` → `xn--bcher-kva.example`), no trailing dot. RFC 1123 labels, at least two of
 * them, a top-level label that is not all digits (so no IP address passes as a hostname). A
 * leading `*.` is returned as `wildcard` for the caller to allow or refuse.
 */
export function checkHostname(input: string): HostnameCheck {
  let text = input.trim();
  if (text.length === 0) return { ok: false, problem: "it is empty" };
  if (/[\s/:@?#\\]/.test(text)) return { ok: false, problem: "a hostname has no spaces, scheme, port, path or user" };
  if (text.endsWith(".")) text = text.slice(0, -1);
  const wildcard = text.startsWith("*.");
  if (wildcard) text = text.slice(2);
  if (text.includes("*"))
    return { ok: false, problem: "a wildcard is only allowed as the whole first label (*.example.com)" };
  // domainToASCII applies UTS #46 (lowercasing, punycode) and answers "" for what no DNS name can be.
  const ascii = domainToASCII(text);
  if (ascii === "") return { ok: false, problem: "it is not a valid internationalized domain name" };
  if (ascii.length > HOSTNAME_MAX)
    return { ok: false, problem: `it is ${ascii.length} characters long; the limit is ${HOSTNAME_MAX}` };
  const labels = ascii.split(".");
  if (labels.length < 2) return { ok: false, problem: "it needs at least two labels (example.com)" };
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return {
      ok: false,
      problem: `label "${bad}" must be 1-63 letters, digits or inner hyphens`,
    };
  }
  if (/^\d+$/.test(labels.at(-1) ?? "")) return { ok: false, problem: "an IP address is not a domain name" };
  return { ok: true, hostname: ascii, wildcard };
}

/** True when `hostname` is `base` itself or any name under it. */
export function isWithin(hostname: string, base: string): boolean {
  return hostname === base || hostname.endsWith(`.${base}`);
}

/**
 * The last two labels (`shop.example.com` → `example.com`): names another project holds under the
 * same one mean this domain is "held elsewhere", so adding it takes the TXT proof of control. Under
 * a public suffix such as `co.uk` this asks for the proof more often than needed, never less.
 */
export function apexOf(hostname: string): string {
  return hostname.split(".").slice(-2).join(".");
}
