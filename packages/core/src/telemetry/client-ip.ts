import { isIP } from "node:net";

/** How much of a client's address the request log keeps. */
export const CLIENT_IP_MODES = ["full", "masked", "none"] as const;
export type ClientIpMode = (typeof CLIENT_IP_MODES)[number];

/**
 * "masked" (the default) keeps the network, not the person: IPv4 to /24 (`203.0.113.0`), IPv6 to
 * /48; "none" keeps nothing. Anything that is not an address is dropped, never stored as given.
 */
export function maskClientIp(raw: string, mode: ClientIpMode): string {
  if (mode === "none") return "";
  const address = raw.startsWith("::ffff:") && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
  const family = isIP(address);
  if (family === 0) return "";
  if (mode === "full") return address;
  if (family === 4) return `${address.split(".").slice(0, 3).join(".")}.0`;
  const groups = expandIpv6(address);
  return `${groups.slice(0, 3).join(":")}::`;
}

function expandIpv6(address: string): string[] {
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  const zeros = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => "0");
  return [...left, ...(address.includes("::") ? zeros : []), ...right];
}
