import { ORIGIN_SECRET_HEADER } from "../server-function/origin-secret.ts";

/** One request to the new server through its URL, as CloudFront sends it (with the secret header). */
export async function prewarm(
  url: string,
  secret: string,
  timeoutMs: number,
): Promise<{ ok: true; ms: number } | { ok: false; reason: string }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      headers: { [ORIGIN_SECRET_HEADER]: secret },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    const ms = Math.round(performance.now() - started);
    if (response.status >= 500 || response.status === 403) {
      return { ok: false, reason: `pre-warm request to ${url} answered ${response.status} after ${ms} ms` };
    }
    return { ok: true, ms };
  } catch (error) {
    return { ok: false, reason: `pre-warm request to ${url} failed: ${(error as Error).message}` };
  }
}
