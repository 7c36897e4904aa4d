import { SlipwayError } from "@slipway/core/errors";

const HINT = "Write one KEY=value per line; # starts a comment; quote values that span lines.";

const ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?([^=\s]+)[ \t]*=[ \t]*/;
const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: "\n", '"': '"', "\\": "\\", $: "$" };

/**
 * Parses a .env file: `KEY=value`, optional `export `, `#` comments; single quotes literal, double
 * quotes with \n, \", \\ and \$ escapes, either spanning lines (as `slipway env pull` writes
 * multi-line values). A line that is not an assignment is an error naming its number, so nothing
 * is imported half-way.
 */
export function parseDotenv(text: string, file: string): Array<{ key: string; value: string }> {
  const vars: Array<{ key: string; value: string }> = [];
  const source = text.replace(/\r\n?/g, "\n");
  let at = 0;
  const lineNumber = (offset: number) => source.slice(0, offset).split("\n").length;
  while (at < source.length) {
    const end = source.indexOf("\n", at) === -1 ? source.length : source.indexOf("\n", at);
    const line = source.slice(at, end);
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) {
      at = end + 1;
      continue;
    }
    const match = ASSIGNMENT.exec(line);
    if (!match)
      throw new SlipwayError(
        "INVALID_INPUT",
        `${file}:${lineNumber(at)} is not KEY=value: "${trimmed.slice(0, 60)}"`,
        HINT,
      );
    const key = match[1] as string;
    const valueStart = at + match[0].length;
    const quote = source[valueStart];
    if (quote === "'" || quote === '"') {
      const close = closingQuote(source, valueStart + 1, quote);
      if (close === -1)
        throw new SlipwayError(
          "INVALID_INPUT",
          `${file}:${lineNumber(at)}: the ${quote} quote of ${key} is never closed.`,
          HINT,
        );
      const inner = source.slice(valueStart + 1, close);
      const value =
        quote === "'" ? inner : inner.replace(/\\([n"\\$])/g, (_, c: string) => DOUBLE_QUOTE_ESCAPES[c] ?? c);
      vars.push({ key, value });
      const rest = source.indexOf("\n", close);
      const after = source.slice(close + 1, rest === -1 ? source.length : rest).trim();
      if (after && !after.startsWith("#")) {
        throw new SlipwayError(
          "INVALID_INPUT",
          `${file}:${lineNumber(close)}: unexpected "${after.slice(0, 40)}" after the value of ${key}.`,
          HINT,
        );
      }
      at = rest === -1 ? source.length : rest + 1;
    } else {
      vars.push({
        key,
        value: source
          .slice(valueStart, end)
          .replace(/\s+#.*$/, "")
          .trim(),
      });
      at = end + 1;
    }
  }
  return vars;
}

/** Index of the quote that closes a value opened at `from - 1`; in double quotes `\"` does not close. */
function closingQuote(source: string, from: number, quote: string): number {
  for (let i = from; i < source.length; i++) {
    if (quote === '"' && source[i] === "\\") i++;
    else if (source[i] === quote) return i;
  }
  return -1;
}
