/** A form's text fields as an object for a zod schema; an empty optional field is left out. */
export function formFields(form: FormData, names: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === "string" && value.trim() !== "") fields[name] = value.trim();
  }
  return fields;
}
