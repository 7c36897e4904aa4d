import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** What the edge needs to know of a custom domain before routing a request for it. */
export interface EdgeDomain {
  /** Requests go there instead (www ↔ apex), keeping the path. */
  redirectTo: string | null;
  /** It has a certificate: HTTP is redirected to HTTPS and HTTPS responses carry HSTS. */
  https: boolean;
  /** The ACME HTTP-01 answer while a certificate is being issued. */
  challenge: { token: string; keyAuthorization: string } | null;
}

export interface DomainFrontOptions {
  /** Hostname (lowercase, no port) → its domain; null for every other host. Synchronous when cached. */
  lookup(hostname: string): EdgeDomain | null | Promise<EdgeDomain | null>;
  /** The platform's own hosts (project URLs): never custom domains, passed through without a lookup. */
  isPlatformHost(hostname: string): boolean;
  /** The HTTPS port redirects go to; null: no HTTPS listener, so nothing is redirected to it. */
  httpsPort: number | null;
  /** The Strict-Transport-Security value on HTTPS responses of custom domains; null: none. */
  hsts: string | null;
}

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

const CHALLENGE_PATH = "/.well-known/acme-challenge/";

/**
 * The front's verdict on a custom domain's request: `true` when it answered it itself, else the
 * header lines (`[name, value, …]`, as `writeHead` takes them) every answer to it must carry.
 * Returned instead of set on the response: a header set before `writeHead` sends the edge cache's
 * flat header list down Node's slow path (every line removed, appended and validated again).
 */
export type FrontVerdict = true | readonly string[];
type Verdict = FrontVerdict | Promise<FrontVerdict>;

const NO_LINES: readonly string[] = [];

/**
 * Custom domains' part of a request, before routing: the ACME HTTP-01 answer, www ↔ apex and
 * HTTP → HTTPS redirects, HSTS (see FrontVerdict).
 */
export function createDomainFront(options: DomainFrontOptions) {
  const httpsOrigin = (host: string) => `https://${host}${options.httpsPort === 443 ? "" : `:${options.httpsPort}`}`;

  // Synchronously false for the platform's own hosts: their requests pay nothing for domains.
  const hstsLines = options.hsts ? ["strict-transport-security", options.hsts] : NO_LINES;

  return function front(req: Req, res: Res, host: string, secure: boolean): Verdict | false {
    if (options.isPlatformHost(host)) return false;
    // A known domain is answered without a promise: the request goes on in the same tick.
    const domain = options.lookup(host);
    return domain instanceof Promise
      ? domain.then((known) => answer(req, res, host, secure, known))
      : answer(req, res, host, secure, domain);
  };

  function answer(req: Req, res: Res, host: string, secure: boolean, domain: EdgeDomain | null): Verdict {
    if (!domain) return NO_LINES;
    const url = req.url ?? "/";
    if (!secure && url.startsWith(CHALLENGE_PATH)) {
      // Only the exact token of a challenge under way: nothing else is served from this path.
      const token = url.slice(CHALLENGE_PATH.length);
      const answer = domain.challenge?.token === token ? domain.challenge.keyAuthorization : null;
      res.writeHead(answer ? 200 : 404, { "content-type": "text/plain", "cache-control": "no-store" });
      res.end(answer ?? "No such challenge.");
      return true;
    }
    const redirectTo = domain.redirectTo;
    if (redirectTo) {
      const toTarget = (target: EdgeDomain | null) => {
        const origin =
          (secure || target?.https) && options.httpsPort !== null
            ? httpsOrigin(redirectTo)
            : `http://${redirectTo}${portOf(req)}`;
        return redirect(res, `${origin}${url}`);
      };
      const target = options.lookup(redirectTo);
      return target instanceof Promise ? target.then(toTarget) : toTarget(target);
    }
    if (!secure && domain.https && options.httpsPort !== null) return redirect(res, `${httpsOrigin(host)}${url}`);
    return secure && domain.https ? hstsLines : NO_LINES;
  }
}

/** 308 keeps the method and body, so a form POST to http:// arrives at https:// unchanged. */
function redirect(res: Res, location: string): true {
  res.writeHead(308, { location, "content-type": "text/plain" });
  res.end(`Redirecting to ${location}\n`);
  return true;
}

/** The port the client used, for redirects between plain-HTTP domains (`:8080`, or "" on 80). */
function portOf(req: Req): string {
  const host = req.headers.host ?? "";
  const colon = host.lastIndexOf(":");
  return colon > 0 && !host.endsWith("]") && host.slice(colon + 1) !== "80" ? host.slice(colon) : "";
}
