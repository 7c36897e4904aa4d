import { randomUUID } from "node:crypto";

const VALID = /^[\w.:-]{1,128}$/;

/** Keeps a caller's request id when it looks like one (so traces join up), else makes one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && VALID.test(header) ? header : randomUUID();
}
