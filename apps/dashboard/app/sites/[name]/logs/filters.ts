/** The runtime log's filters, read from the page's query string and passed on to the API as they are. */
export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"] as const;
export const WINDOWS = ["15m", "1h", "24h", "7d"] as const;
export const KINDS = ["request", "log"] as const;

export interface LogFilters {
  status?: (typeof STATUS_CLASSES)[number];
  since?: (typeof WINDOWS)[number];
  kind?: (typeof KINDS)[number];
  deployment?: string;
}

/** Only known values pass: anything else in the URL is dropped rather than sent to the API. */
export function parseLogFilters(raw: Record<string, string | string[] | undefined>): LogFilters {
  const one = (key: string) => (typeof raw[key] === "string" ? raw[key] : undefined);
  const status = STATUS_CLASSES.find((s) => s === one("status"));
  const since = WINDOWS.find((w) => w === one("since"));
  const kind = KINDS.find((k) => k === one("kind"));
  const deployment = one("deployment");
  return {
    ...(status ? { status } : {}),
    ...(since ? { since } : {}),
    ...(kind ? { kind } : {}),
    ...(deployment && /^[a-z0-9]{1,40}$/.test(deployment) ? { deployment } : {}),
  };
}

export function filterQuery(filters: LogFilters): Record<string, string> {
  return { ...filters };
}
