import type { DnsResolver } from "@slipway/core";

type RecordType = "a" | "aaaa" | "cname" | "txt";

export type MemoryDns = DnsResolver & {
  /** Replaces the records of one type at `hostname` (an empty list removes them). */
  set(hostname: string, type: RecordType, values: string[]): void;
  /** Makes every lookup throw, as an unreachable resolver does. */
  fail(reason: string | null): void;
};

/** A zone in memory: names and types absent answer no records, like NXDOMAIN / NODATA. */
export function createMemoryDns(): MemoryDns {
  const zone = new Map<string, string[]>();
  let failure: string | null = null;
  const lookup = (type: RecordType) => async (hostname: string) => {
    if (failure) throw new Error(failure);
    return [...(zone.get(`${type} ${hostname.toLowerCase()}`) ?? [])];
  };
  return {
    name: "memory",
    a: lookup("a"),
    aaaa: lookup("aaaa"),
    cname: lookup("cname"),
    txt: lookup("txt"),
    set(hostname, type, values) {
      zone.set(`${type} ${hostname.toLowerCase()}`, [...values]);
    },
    fail(reason) {
      failure = reason;
    },
  };
}
