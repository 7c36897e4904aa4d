export type Encoding = "br" | "gzip";

/**
 * Picks the best precompressed sibling the client accepts: br over gzip, honouring q-values
 * (`q=0` means "not acceptable") and `*`. Returns null for the uncompressed file.
 */
export function negotiateEncoding(
  acceptEncoding: string | undefined,
  available: { br: boolean; gzip: boolean },
): Encoding | null {
  if (!acceptEncoding || (!available.br && !available.gzip)) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let weight = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") weight = Number(value);
    }
    q.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (name: string) => q.get(name) ?? (name === "gzip" ? q.get("x-gzip") : undefined) ?? q.get("*") ?? 0;
  let best: Encoding | null = null;
  let bestWeight = 0;
  for (const encoding of ["br", "gzip"] as const) {
    if (!available[encoding]) continue;
    const weight = weightOf(encoding);
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}
