/** An UpdateExpression's parts; `names`/`values` merge into the command's maps. */
export interface UpdateParts {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * `SET` for every field whose value is not undefined (null is a value: it clears the field) and
 * `REMOVE` for the attributes in `remove`. Names and values are placeholders, so any field name
 * (even a reserved word like `status`) is safe.
 */
export function updateParts(
  set: Record<string, unknown>,
  remove: readonly string[] = [],
  /** target → source: `SET target = source`, copying another attribute of the item. */
  copy: Record<string, string> = {},
): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments: string[] = [];
  let n = 0;
  for (const [field, value] of Object.entries(set)) {
    if (value === undefined) continue;
    n += 1;
    names[`#u${n}`] = field;
    values[`:u${n}`] = value;
    assignments.push(`#u${n} = :u${n}`);
  }
  for (const [target, source] of Object.entries(copy)) {
    n += 1;
    names[`#u${n}`] = target;
    names[`#c${n}`] = source;
    assignments.push(`#u${n} = #c${n}`);
  }
  const removals = remove.map((field) => {
    n += 1;
    names[`#u${n}`] = field;
    return `#u${n}`;
  });
  const clauses = [
    assignments.length > 0 ? `SET ${assignments.join(", ")}` : "",
    removals.length > 0 ? `REMOVE ${removals.join(", ")}` : "",
  ];
  return { expression: clauses.filter(Boolean).join(" "), names, values };
}
