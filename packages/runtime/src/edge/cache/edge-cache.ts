import type { IncomingMessage, ServerResponse } from "node:http";
import { type Captured, captureResponse } from "./capture.ts";
import { type CacheEntry, freshnessOf } from "./entry.ts";
import { storedHead, withAnswerHeaders } from "./head.ts";
import { imageCacheControl } from "./image-cache-control.ts";
import { encodingOf, implicitTags, pageOf, primaryKey, variantKey } from "./key.ts";
import { requestDecision, responseLifetime, varyList } from "./policy.ts";
import { createCacheStore, type StoreLimits } from "./store.ts";
import { createTagLog } from "./tag-log.ts";

/** Headers that belong to one connection or one request, never stored with an entry. */
const NOT_STORED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "trailer",
  "date",
  "age",
  "content-length",
  "x-request-id",
  "x-next-cache-tags",
  "x-nextjs-cache",
  "x-slipway-cache",
]);

/** How many pages' purge times are remembered per cache (to refuse renders that began earlier). */
const MAX_PURGE_MARKS = 10_000;

export interface EdgeCacheOptions extends StoreLimits {
  /** A deployment's tag store: `<cachesDir>/<deploymentId>/__tags` (the function host's layout). */
  readonly tagsDirOf: (deploymentId: string) => string;
}

export interface Served {
  readonly status: number;
  readonly bytes: number;
  readonly state: "HIT" | "STALE";
}

export type RequestContext = {
  readonly deploymentId: string;
  readonly url: string;
  readonly kind: "server" | "image";
  readonly requestId: string;
  /** Header lines every answer to this request carries (the domain front's HSTS), or none. */
  readonly lines?: readonly string[];
};

/**
 * The edge response cache: serves what Next marked cacheable without a worker, stores what the
 * worker answers while it streams to the client, and honours on-demand revalidation.
 */
export function createEdgeCache(options: EdgeCacheOptions) {
  const store = createCacheStore(options);
  const tagLog = createTagLog(options.tagsDirOf);
  /**
   * `<deploymentId> <page>` → when Next last regenerated it (its `x-prerender-revalidate`
   * request). Older entries of the page turn STALE: the next hit still answers at once while one
   * refresh fetches the new page, instead of every concurrent request missing to the worker.
   */
  const regeneratedAt = new Map<string, number>();

  function markRegenerated(deploymentId: string, page: string, at: number): void {
    const mark = `${deploymentId} ${page}`;
    regeneratedAt.delete(mark);
    regeneratedAt.set(mark, at);
    if (regeneratedAt.size > MAX_PURGE_MARKS) regeneratedAt.delete(regeneratedAt.keys().next().value as string);
  }

  function lookup(req: IncomingMessage, primary: string, deploymentId: string, now: number) {
    const vary = store.varyOf(primary);
    if (!vary) return null;
    const key = variantKey(primary, vary, req.headers);
    const entry = store.get(key);
    if (!entry) return null;
    let freshness = freshnessOf(entry, now);
    const revalidated =
      freshness === "expired" ? "purged" : tagLog.check(deploymentId, entry.storedAt, entry.tags, entry.tagsKnown);
    if (freshness === "expired" || revalidated === "purged") {
      store.delete(key);
      return null;
    }
    if (
      revalidated === "stale" ||
      (regeneratedAt.size > 0 && (regeneratedAt.get(`${deploymentId} ${entry.page}`) ?? 0) > entry.storedAt)
    )
      freshness = "stale";
    return { key, entry, freshness };
  }

  function serve(
    req: IncomingMessage,
    res: ServerResponse,
    entry: CacheEntry,
    state: Served["state"],
    ctx: RequestContext,
    now: number,
  ): Served {
    const { requestId, lines } = ctx;
    const age = String(Math.max(0, Math.floor((now - entry.storedAt) / 1000)));
    const { head } = entry;
    if (head.etag !== undefined && entry.status === 200 && req.headers["if-none-match"] === head.etag) {
      res.writeHead(304, withAnswerHeaders(head.notModified, age, state, requestId, lines));
      res.end();
      return { status: 304, bytes: 0, state };
    }
    res.writeHead(entry.status, withAnswerHeaders(head.full, age, state, requestId, lines));
    if (req.method === "HEAD") {
      res.end();
      return { status: entry.status, bytes: 0, state };
    }
    res.end(entry.body);
    return { status: entry.status, bytes: entry.body.length, state };
  }

  function store_(
    req: IncomingMessage,
    ctx: RequestContext,
    primary: string,
    startedAt: number,
    captured: Captured,
    refresh: boolean,
  ) {
    if (req.method !== "GET") return;
    const lifetime = responseLifetime(captured.status, captured.headers);
    const vary = varyList(captured.headers.vary);
    if (!lifetime || !vary) {
      // The page is no longer cacheable (e.g. now `notFound()`): stop serving the stale copy.
      // A failing refresh (5xx) keeps it, as a CDN serves stale on origin errors.
      const known = store.varyOf(primary);
      if (refresh && captured.status < 500 && known) store.delete(variantKey(primary, known, req.headers));
      return;
    }
    // Stored bodies are served as they are: only under the key of the coding they are in.
    const coding = captured.headers["content-encoding"] ?? "identity";
    if (coding !== encodingOf(req.headers["accept-encoding"])) return;
    const declared = captured.headers["content-length"];
    if (declared !== undefined && Number(declared) !== captured.body.length) return;
    const page = pageOf(ctx.url);
    // A render that began before the page was regenerated may hold the old page.
    if ((regeneratedAt.get(`${ctx.deploymentId} ${page}`) ?? 0) >= startedAt) return;
    const header = captured.headers["x-next-cache-tags"];
    const tagsKnown = typeof header === "string" && header.length > 0;
    const tags = new Set(tagsKnown ? header.split(",").map((t) => t.trim()) : implicitTags(page));
    if (tagLog.check(ctx.deploymentId, startedAt, tags, tagsKnown) !== "valid") return;
    const headers: Record<string, string | string[]> = {};
    let size = captured.body.length + 256;
    for (const [name, value] of Object.entries(captured.headers)) {
      // The front's lines (HSTS on a custom domain) belong to that answer, not to the page: the
      // same entry also answers the project's own URL, and a hit adds the lines it is given.
      if (NOT_STORED.has(name) || ctx.lines?.includes(name)) continue;
      headers[name] = value;
      size += name.length + String(value).length;
    }
    const refreshHeaders: Record<string, string> = {};
    for (const name of ["host", "accept", "accept-encoding", ...vary]) {
      const value = req.headers[name];
      if (typeof value === "string") refreshHeaders[name] = value;
    }
    const entry: CacheEntry = {
      deploymentId: ctx.deploymentId,
      page,
      status: captured.status,
      head: storedHead(headers, captured.body.length),
      body: captured.body,
      storedAt: startedAt,
      ...lifetime,
      tags,
      tagsKnown,
      refresh: { url: ctx.url, headers: refreshHeaders },
      size,
    };
    store.set(primary, vary, variantKey(primary, vary, req.headers), entry);
  }

  return {
    store,
    /**
     * Answers from the cache when it can (the returned `Served`), otherwise prepares `res` so
     * the worker's answer is stored as it streams past, and returns null. `refresh` is for the
     * edge's own background refreshes: they never read the cache, only fill it. `startRefresh`
     * is called for a STALE answer.
     */
    handle(
      req: IncomingMessage,
      res: ServerResponse,
      ctx: RequestContext,
      refresh: boolean,
      startRefresh: (key: string, url: string, headers: Readonly<Record<string, string>>, deploymentId: string) => void,
    ): Served | null {
      const decision = requestDecision(req.method, req.headers);
      const imageUrl = ctx.kind === "image" ? new URLSearchParams(ctx.url.split("?")[1] ?? "").get("url") : null;
      const rewriteHeaders =
        ctx.kind === "image"
          ? (_status: number, headers: Record<string, string | string[]>) => {
              const value = imageCacheControl(imageUrl, headers["cache-control"] as string | undefined);
              if (value !== undefined) headers["cache-control"] = value;
            }
          : undefined;
      if (!decision.use) {
        if (decision.purge)
          res.once("finish", () => {
            const page = pageOf(ctx.url);
            markRegenerated(ctx.deploymentId, page, Date.now());
          });
        if (rewriteHeaders) captureResponse(res, { maxBytes: 0, rewriteHeaders, onComplete: () => {} });
        return null;
      }
      const now = Date.now();
      const primary = primaryKey(ctx.deploymentId, ctx.url, req.headers);
      if (!refresh) {
        const hit = lookup(req, primary, ctx.deploymentId, now);
        if (hit) {
          if (hit.freshness === "stale")
            startRefresh(hit.key, hit.entry.refresh.url, hit.entry.refresh.headers, ctx.deploymentId);
          return serve(req, res, hit.entry, hit.freshness === "fresh" ? "HIT" : "STALE", ctx, now);
        }
        res.setHeader("x-slipway-cache", "MISS");
      }
      captureResponse(res, {
        maxBytes: store.limits.maxEntryBytes,
        ...(rewriteHeaders ? { rewriteHeaders } : {}),
        // A refresh must see every answer: one that is no longer cacheable drops the stale copy.
        ...(refresh ? {} : { wanted: (status, headers) => req.method === "GET" && storable(status, headers) }),
        onComplete: (captured) => store_(req, ctx, primary, now, captured, refresh),
      });
      return null;
    },
    forget(deploymentId: string): void {
      store.dropDeployment(deploymentId);
      tagLog.forget(deploymentId);
      for (const mark of regeneratedAt.keys()) if (mark.startsWith(`${deploymentId} `)) regeneratedAt.delete(mark);
    },
  };
}

/** Whether `store_` could keep it, judged from the head alone (coding and length come later). */
function storable(status: number, headers: Readonly<Record<string, string | string[]>>): boolean {
  return responseLifetime(status, headers) !== null;
}

export type EdgeCache = ReturnType<typeof createEdgeCache>;
