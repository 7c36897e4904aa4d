import { SlipwayError } from "@slipway/core";
import type { Context } from "hono";
import type { z } from "zod";

/** Parses a JSON body against a schema; the error names the first bad field and its value. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new SlipwayError("INVALID_INPUT", "The request body is not valid JSON.");
  }
  return parseOrExplain(schema, raw, "body");
}

/** As readJson, for an operation whose body is optional: an empty body is `{}`. */
export async function readOptionalJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (text.trim() === "") return parseOrExplain(schema, {}, "body");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SlipwayError("INVALID_INPUT", "The request body is not valid JSON.");
  }
  return parseOrExplain(schema, raw, "body");
}

/** Parses a query string's parameters against a schema, with the same errors as a body. */
export function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): z.infer<T> {
  return parseOrExplain(schema, query, "query");
}

function parseOrExplain<T extends z.ZodType>(schema: T, raw: unknown, where: string): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") || where;
    throw new SlipwayError("INVALID_INPUT", `Invalid ${path}: ${issue?.message ?? "bad value"}.`);
  }
  return parsed.data;
}
