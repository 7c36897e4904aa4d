import type { CleanedWhere } from "better-auth/adapters";

/**
 * better-auth's where clauses, evaluated on one record: the Store finds candidates by id or a
 * lookup field, and this decides which of them match. Clauses combine left to right, each with
 * its connector (AND by default), as better-auth's own adapters read them.
 */
export function matchesWhere(record: Record<string, unknown>, where: readonly CleanedWhere[]): boolean {
  let result = true;
  where.forEach((clause, index) => {
    const value = matchesClause(record[clause.field], clause);
    if (index === 0) result = value;
    else result = clause.connector === "OR" ? result || value : result && value;
  });
  return result;
}

function matchesClause(actual: unknown, clause: CleanedWhere): boolean {
  const insensitive = clause.mode === "insensitive";
  const norm = (v: unknown) => (insensitive && typeof v === "string" ? v.toLowerCase() : normalize(v));
  const a = norm(actual);
  const expected = clause.value;
  switch (clause.operator) {
    case "in":
      return Array.isArray(expected) && (expected as unknown[]).map(norm).includes(a);
    case "not_in":
      return Array.isArray(expected) && !(expected as unknown[]).map(norm).includes(a);
    case "contains":
      return typeof a === "string" && a.includes(String(norm(expected)));
    case "starts_with":
      return typeof a === "string" && a.startsWith(String(norm(expected)));
    case "ends_with":
      return typeof a === "string" && a.endsWith(String(norm(expected)));
    case "ne":
      return expected === null ? a != null : a !== norm(expected);
    case "lt":
      return a != null && expected != null && (a as number) < (norm(expected) as number);
    case "lte":
      return a != null && expected != null && (a as number) <= (norm(expected) as number);
    case "gt":
      return a != null && expected != null && (a as number) > (norm(expected) as number);
    case "gte":
      return a != null && expected != null && (a as number) >= (norm(expected) as number);
    default:
      return expected === null ? a == null : a === norm(expected);
  }
}

/** Dates are stored as ISO strings (the adapter says it has no date type), so compare them as such. */
function normalize(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
