import { ORIGIN_SECRET_HEADER } from "../server-function/origin-secret.ts";

/**
 * One request to a new function through its URL, as CloudFront sends it (with the secret header).
 * A 403 (the secret refused) or no answer always fails it; a 5xx fails it unless
 * `serverErrorsFail` is false (a path the warm-up made up, which the app may fairly refuse).
 */
export async function prewarm(
  url: string,
  secret: string,
  timeoutMs: number,
  serverErrorsFail = true,
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
    if ((serverErrorsFail && response.status >= 500) || response.status === 403) {
      return { ok: false, reason: `pre-warm request to ${url} answered ${response.status} after ${ms} ms` };
    }
    return { ok: true, ms };
  } catch (error) {
    return { ok: false, reason: `pre-warm request to ${url} failed: ${(error as Error).message}` };
  }
}
