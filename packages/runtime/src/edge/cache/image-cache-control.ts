import { parseCacheControl } from "./cache-control.ts";

/**
 * Next's own Cache-Control for `/_next/image` (next start's image optimizer): `immutable` only
 * for statically imported images (`/_next/static/media/…`, hashed names), otherwise
 * `max-age=<max(upstream max-age, minimumCacheTTL)>, must-revalidate`. OpenNext's image function
 * answers `public,max-age=N,immutable` for every image, which would pin a replaced `public/`
 * image in browsers for N seconds after a redeploy; the edge puts Next's header back. The
 * function's N already is Next's `max(upstream, minimumCacheTTL)` (the loader reports unhashed
 * files as `max-age=0`).
 */
export function imageCacheControl(imageUrl: string | null, upstream: string | undefined): string | undefined {
  if (upstream === undefined) return undefined;
  const cc = parseCacheControl(upstream);
  if (cc.private || cc.noStore) return upstream;
  if (imageUrl?.startsWith("/_next/static/")) return "public, max-age=315360000, immutable";
  return `public, max-age=${cc.maxAge ?? 0}, must-revalidate`;
}
