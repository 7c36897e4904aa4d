import { SlipwayError } from "@slipway/core/errors";

/**
 * Parses a .env file: `KEY=value`, optional `export `, single quotes literal, double quotes with
 * \n escapes, `#` comments. A line that is not an assignment is an error naming its number, so
 * nothing is imported half-way.
 */
export function parseDotenv(text: string, file: string): Array<{ key: string; value: string }> {
  const vars: Array<{ key: string; value: string }> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const match = /^(?:export\s+)?([^=\s]+)\s*=\s*(.*)$/.exec(line);
    if (!match)
      throw new SlipwayError(
        "INVALID_INPUT",
        `${file}:${index + 1} is not KEY=value: "${line.slice(0, 60)}"`,
        "Write one KEY=value per line; # starts a comment.",
      );
    const key = match[1] as string;
    let value = (match[2] as string).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    } else if (value.startsWith("'") && value.endsWith("'") && value.length >= 2) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    vars.push({ key, value });
  });
  return vars;
}
