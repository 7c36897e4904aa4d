import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { errorPage } from "../function-host/error-page.ts";
import { createEdgeCache } from "./cache/edge-cache.ts";
import { createRefresher } from "./cache/refresh.ts";
import { REFRESH_PIN_HEADER, splitTarget } from "./canary-split.ts";
import { createDeploymentCache, type DeploymentView } from "./deployment-cache.ts";
import { functionFor } from "./function-route.ts";
import { graceful, type ListenTarget } from "./graceful.ts";
import { unknownHostPage } from "./not-found.ts";
import { assetKey } from "./path-safety.ts";
import { requestIdOf } from "./request-id.ts";
import { serveAsset } from "./static.ts";
import type { Edge, EdgeOptions, EdgeTarget, RequestReport } from "./types.ts";

/** 64 MiB: a few thousand typical pages; a page over 4 MiB is streamed but not kept. */
export const DEFAULT_EDGE_CACHE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_EDGE_CACHE_ENTRY_BYTES = 4 * 1024 * 1024;

const NO_LINES: readonly string[] = [];

type Outcome = {
  status: number;
  bytes: number;
  coldStart: boolean;
  servedBy: RequestReport["servedBy"];
  deploymentId: string | null;
  /** HIT / STALE when the edge cache answered (its headers were written in one writeHead). */
  cache?: string;
};

/**
 * The edge: Host → deployment (resolved once per request, so an alias move never splits a
 * response between deployments), static assets from the deployment's `assets/`, everything else
 * streamed through the function host.
 */
export function createEdge(options: EdgeOptions): Edge {
  const deployments = createDeploymentCache(options.deploymentsDir);
  const protocol = options.protocol ?? "http";
  // Memory only, on purpose: a miss costs one worker request that OpenNext answers from its own
  // on-disk incremental cache, so a disk tier here would keep a second copy of the same bytes.
  const cache = options.cache
    ? createEdgeCache({
        maxBytes: options.cache.maxBytes ?? DEFAULT_EDGE_CACHE_BYTES,
        maxEntryBytes: options.cache.maxEntryBytes ?? DEFAULT_EDGE_CACHE_ENTRY_BYTES,
        tagsDirOf: (deploymentId) => path.join(options.cache?.cachesDir ?? "", deploymentId, "__tags"),
      })
    : null;
  const refresher = createRefresher((req, res) => handle(req, res, true));
  const refresh = (key: string, url: string, headers: Readonly<Record<string, string>>, deploymentId: string) => {
    void refresher.refresh(key, url, { ...headers, [REFRESH_PIN_HEADER]: deploymentId });
  };

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    requestId: string,
    isRefresh: boolean,
    lines: readonly string[],
  ): Promise<Outcome> {
    // The front's header lines (HSTS) go into the cache's one writeHead list on a hit, and are
    // set on the response before any other answer.
    const found = options.resolveHost(host);
    const resolved = found instanceof Promise ? await found : found; // a cached host: no suspension
    if (!resolved) return send(setLines(res, lines), 404, unknownHostPage(host, requestId), requestId, null);
    let target = resolved.canary ? splitTarget(resolved, req, options.trustForwardedFor === true, isRefresh) : resolved;
    let view = deployments.peek(target.deploymentId) ?? (await deployments.get(target.deploymentId));
    // A canary whose files are gone serves nobody: its share stays on the stable deployment (as on AWS).
    if (!view && target !== resolved) {
      target = resolved;
      view = deployments.peek(target.deploymentId) ?? (await deployments.get(target.deploymentId));
    }
    const { deploymentId } = target;
    if (!view)
      return send(
        setLines(res, lines),
        503,
        errorPage(503, "This deployment is not available on this server.", requestId),
        requestId,
        deploymentId,
      );

    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q < 0 ? url : url.slice(0, q);
    const key = assetKey(rawPath);
    if (key === null)
      return send(
        setLines(res, lines),
        400,
        errorPage(400, "Malformed request path.", requestId),
        requestId,
        deploymentId,
      );

    if (req.method === "GET" || req.method === "HEAD") {
      const source = q >= 0 && key.startsWith("/_next/") ? await skewSource(url.slice(q + 1), target, view) : view;
      const asset = source.assets.get(key);
      if (asset)
        return {
          ...(await serveAsset(req, setLines(res, lines), asset, requestId)),
          coldStart: false,
          servedBy: "static",
          deploymentId,
        };
    }
    const kind = functionFor(view.functions, key);
    // Image requests never pass through middleware (OpenNext routes them to the image function);
    // edge runtime functions answer uncached.
    const cacheable = kind === "image" ? "image" : kind === "server" && !view.middleware(rawPath) ? "server" : null;
    const served = cacheable
      ? cache?.handle(req, res, { deploymentId, url, kind: cacheable, requestId, lines }, isRefresh, refresh)
      : null;
    if (served)
      return {
        status: served.status,
        bytes: served.bytes,
        coldStart: false,
        servedBy: "cache",
        deploymentId,
        cache: served.state,
      };
    setLines(res, lines);
    const headers = {
      ...req.headers,
      "x-forwarded-for": forwardedFor(req, options.trustForwardedFor === true),
      // Over the edge's own TLS listener the client spoke HTTPS, whatever the configured default.
      "x-forwarded-proto": (req.socket as { encrypted?: boolean }).encrypted ? "https" : protocol,
      "x-forwarded-host": req.headers.host ?? host,
      "x-request-id": requestId,
    };
    const result = await options.functionHost.dispatch({ deploymentId, kind, req, res, headers, requestId });
    return { ...result, servedBy: kind === "image" ? "image" : "function", deploymentId };
  }

  /** Skew protection: an old page's `?dpl=<id>` assets come from its own deployment if still here. */
  async function skewSource(query: string, target: EdgeTarget, view: DeploymentView) {
    const dpl = new URLSearchParams(query).get("dpl");
    if (!dpl || dpl === target.deploymentId || !/^[\w-]{1,64}$/.test(dpl)) return view;
    const other = await options.getDeployment(dpl);
    if (!other || other.projectId !== target.projectId) return view;
    return (await deployments.get(dpl)) ?? view;
  }

  function handle(req: IncomingMessage, res: ServerResponse, isRefresh = false, lines = NO_LINES): void {
    const started = performance.now();
    const requestId = requestIdOf(req.headers["x-request-id"]);
    const host = hostnameOf(req.headers.host);
    const report = (outcome: Outcome) =>
      options.onRequest?.({
        requestId,
        host,
        deploymentId: outcome.deploymentId,
        method: req.method ?? "GET",
        path: req.url ?? "/",
        status: outcome.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        bytes: outcome.bytes,
        coldStart: outcome.coldStart,
        servedBy: outcome.servedBy,
        clientIp: req.socket.remoteAddress ?? "",
        cache: outcome.cache ?? cacheVerdict(res.getHeader("x-slipway-cache")),
      });
    route(req, res, host, requestId, isRefresh, lines).then(report, (error: unknown) => {
      const outcome = res.headersSent
        ? { status: res.statusCode, bytes: 0 }
        : send(res, 500, errorPage(500, `Edge error: ${String(error)}`, requestId), requestId, null);
      if (res.headersSent && !res.writableEnded) res.destroy();
      report({ ...outcome, coldStart: false, servedBy: "edge", deploymentId: null });
    });
  }

  // Custom domains answer ACME challenges and redirects before any routing.
  const front = options.domainFront;
  const entry =
    (secure: boolean) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const answering = front ? front(req, res, hostnameOf(req.headers.host), secure) : false;
      if (answering === false) {
        handle(req, res);
        return;
      }
      if (!(answering instanceof Promise)) {
        if (answering !== true) handle(req, res, false, answering);
        return;
      }
      answering.then(
        (verdict) => {
          if (verdict !== true) handle(req, res, false, verdict);
        },
        (error: unknown) => {
          const requestId = requestIdOf(req.headers["x-request-id"]);
          if (res.headersSent) res.destroy();
          else send(res, 500, errorPage(500, `Edge error: ${String(error)}`, requestId), requestId, null);
        },
      );
    };
  const server = http.createServer(entry(false));
  // Browsers and benchmarks reuse connections; keep them longer than Node's 5 s default.
  server.keepAliveTimeout = 65_000;
  const lifecycle = graceful(server, "connection");

  return {
    handle: (req, res) => handle(req, res),
    handleSecure: entry(true),
    forget(deploymentId) {
      deployments.forget(deploymentId);
      cache?.forget(deploymentId);
    },
    cacheStats: () => ({
      entries: cache?.store.size ?? 0,
      bytes: cache?.store.bytes ?? 0,
      refreshing: refresher.inflight,
    }),
    listen(port: number | ListenTarget, hostname?: string) {
      return lifecycle.listen(typeof port === "number" ? { port, ...(hostname ? { host: hostname } : {}) } : port);
    },
    listeningFd: lifecycle.listeningFd,
    drain: lifecycle.drain,
    async close() {
      await refresher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: Buffer,
  requestId: string,
  deploymentId: string | null,
): Outcome {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": body.length,
    "x-request-id": requestId,
  });
  res.end(body);
  return { status, bytes: body.length, coldStart: false, servedBy: "edge", deploymentId };
}

/** Sets header lines (`[name, value, …]`) on a response that is not answered from the cache. */
function setLines(res: ServerResponse, lines: readonly string[]): ServerResponse {
  for (let i = 0; i + 1 < lines.length; i += 2) res.setHeader(lines[i] as string, lines[i + 1] as string);
  return res;
}

function cacheVerdict(header: ReturnType<ServerResponse["getHeader"]>): string | null {
  return typeof header === "string" ? header : null;
}

/** Lowercased host without port; IPv6 literals keep their brackets. */
export function hostnameOf(header: string | undefined): string {
  if (!header) return "";
  const host = header.trim().toLowerCase();
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}

function forwardedFor(req: IncomingMessage, trust: boolean): string {
  const remote = req.socket.remoteAddress ?? "";
  const prior = req.headers["x-forwarded-for"];
  return trust && prior ? `${prior}, ${remote}` : remote;
}
