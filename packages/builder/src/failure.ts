/**
 * An expected way for a build to end badly (the user's code, lockfile or repository), carried as
 * an exception only inside the pipeline; the entry point turns it into `{ ok: false, reason }`.
 */
export class BuildFailure extends Error {
  override readonly name = "BuildFailure";
}

/** Picks the line of a failed step's output that best says why, for the one-line reason. */
export function explainFailure(tail: readonly string[]): string | null {
  const lines = tail
    .map(stripAnsi)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  for (const pattern of SPECIFIC) {
    const hit = lines.find((line) => pattern.test(line));
    if (hit) return shorten(hit);
  }
  const generic = lines.find((line) => /\b(error|ERR!|failed|cannot|can't)\b/i.test(line) && !NOISE.test(line));
  return generic ? shorten(generic) : null;
}

// Most specific first: the compiler's own message beats npm's "Lifecycle script failed" summary.
const SPECIFIC = [
  /Module not found/,
  /Type error:/,
  /SyntaxError/,
  /^Error: /,
  /npm (error|ERR!) (code|404|notarget|ERESOLVE|Missing)/i,
  /ERR_PNPM_\w+/,
  /^error /,
];

const NOISE =
  /Failed to compile\.?$|Build failed because of|Build error occurred|Lifecycle script|^npm (error|ERR!) (path|command|workspace|location|A complete log)|at .+:\d+:\d+\)?$/i;

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

function shorten(raw: string): string {
  // "Error: Module not found: ..." reads better as "Module not found: ..." after "failed (exit 1):".
  const line = raw.replace(/^Error: (?=\S)/, "");
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
