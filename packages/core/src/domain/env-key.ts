/** A name a shell and dotenv both accept as a variable: letters, digits and `_`, not starting with a digit. */
export function isEnvKeyShape(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}
