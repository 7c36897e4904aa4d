/**
 * Replaces every secret value in a log line with `***`. Longest values first, so a secret that
 * contains another secret is hidden whole instead of leaving its tail visible.
 */
export type Masker = (text: string) => string;

export function createMasker(values: readonly string[]): Masker {
  // Empty strings would "match" everywhere; one-character values would shred every line and are
  // not secrets worth hiding, so they are skipped.
  const secrets = [...new Set(values.filter((v) => v.length >= 2))].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join("***");
    }
    return out;
  };
}
