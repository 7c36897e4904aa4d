/** The directives of a Cache-Control header a shared cache acts on (RFC 9111 §5.2.2). */
export interface CacheControl {
  readonly public: boolean;
  readonly private: boolean;
  readonly noStore: boolean;
  readonly noCache: boolean;
  readonly mustRevalidate: boolean;
  readonly immutable: boolean;
  readonly maxAge: number | undefined;
  readonly sMaxAge: number | undefined;
  readonly staleWhileRevalidate: number | undefined;
}

/** Parses directives case-insensitively; a malformed number leaves its directive unset. */
export function parseCacheControl(header: string | string[] | undefined): CacheControl {
  const directives = new Map<string, string>();
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const part of text.split(",")) {
    const [rawName, ...rest] = part.split("=");
    const name = rawName?.trim().toLowerCase();
    if (name) directives.set(name, rest.join("=").trim().replace(/^"|"$/g, ""));
  }
  const seconds = (name: string) => {
    const value = directives.get(name);
    return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
  };
  return {
    public: directives.has("public"),
    private: directives.has("private"),
    noStore: directives.has("no-store"),
    noCache: directives.has("no-cache"),
    mustRevalidate: directives.has("must-revalidate") || directives.has("proxy-revalidate"),
    immutable: directives.has("immutable"),
    maxAge: seconds("max-age"),
    sMaxAge: seconds("s-maxage"),
    staleWhileRevalidate: seconds("stale-while-revalidate"),
  };
}
