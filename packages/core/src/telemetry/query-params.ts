import { SlipwayError } from "../errors.ts";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** What retention keeps at most: asking for more would only read nothing. */
const MAX_WINDOW_MS = 400 * UNIT_MS.d;

/** "90s", "15m", "1h", "7d" → milliseconds. */
export function parseWindow(raw: string, name = "since"): number {
  const match = /^(\d{1,6})([smhd])$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms > 0) || ms > MAX_WINDOW_MS) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `--${name} "${raw.slice(0, 40)}" is not a time window.`,
      "Give a number and a unit, up to 400 days: 30s, 15m, 1h, 24h, 7d.",
    );
  }
  return ms;
}

/** "5xx", "4xx", "404" → an inclusive status range. */
export function parseStatusFilter(raw: string): { min: number; max: number } {
  const value = raw.trim().toLowerCase();
  const klass = /^([1-5])xx$/.exec(value);
  if (klass) return { min: Number(klass[1]) * 100, max: Number(klass[1]) * 100 + 99 };
  if (/^[1-5]\d\d$/.test(value)) return { min: Number(value), max: Number(value) };
  throw new SlipwayError(
    "INVALID_INPUT",
    `--status "${raw.slice(0, 40)}" is not a status or status class.`,
    "Give a class like 5xx or 4xx, or one status like 404.",
  );
}
