import { isEnvKeyShape } from "./env-key.ts";

/**
 * One `KEY=value` line of a dotenv file that a shell (`set -a; . .env.local`) and Next.js
 * (@next/env: dotenv, then dotenv-expand) both read back as exactly `value`, and that runs nothing
 * when sourced. Null when no such line exists for this value.
 *
 * - Single quotes: the shell takes everything literally, newlines included; dotenv too. Only a
 *   `'` cannot appear, and dotenv-expand would still replace `$NAME`/`${NAME}` and turn `\$` into `$`.
 * - Double quotes, for values with a `'` or an expandable `$`: `$` is written `\$`, which the
 *   shell and dotenv-expand both read as `$`. The shell also treats `\`, `"` and backticks
 *   specially, and dotenv does not, so a value with those cannot be double-quoted.
 * - A carriage return never survives dotenv (it rewrites line endings), in either quoting.
 */
export function dotenvLine(key: string, value: string): string | null {
  if (!isEnvKeyShape(key) || value.includes("\r") || value.includes("\0")) return null;
  const expandable = /\$[{\w]|\\\$/.test(value);
  if (!value.includes("'") && !expandable) return `${key}='${value}'`;
  if (!/[\\"`]/.test(value)) return `${key}="${value.replaceAll("$", "\\$")}"`;
  return null;
}
