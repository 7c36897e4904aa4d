/** SQLite's ORDER BY on text and NULL: binary order, NULL first. */
export function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Orders by each key in turn, the way a multi-column ORDER BY does. */
export function by<T>(...keys: Array<(row: T) => string | number | null>): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const order = compare(key(a), key(b));
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** Rows leave the store as copies, so a caller mutating one cannot change what is stored. */
export const copy = <T>(row: T): T => structuredClone(row);

/** A repo whose rows go when their project is deleted (SQLite's ON DELETE CASCADE). */
export interface ProjectScoped {
  dropProject(projectId: string): void;
}
