import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "../../test-support/http-client.ts";
import { createDomainFront, type EdgeDomain } from "./front.ts";

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const DOMAINS: Record<string, EdgeDomain> = {
  "secure.example.com": { redirectTo: null, https: true, challenge: null },
  "issuing.example.com": {
    redirectTo: null,
    https: false,
    challenge: { token: "tok-1", keyAuthorization: "tok-1.abc" },
  },
  "www.secure.example.com": { redirectTo: "secure.example.com", https: false, challenge: null },
  "www.plain.example.com": { redirectTo: "plain.example.com", https: false, challenge: null },
  "plain.example.com": { redirectTo: null, https: false, challenge: null },
};

/** How the lookup answers: a promise (a read), or at once (the directory's cache) — each suite runs with both. */
let answerAtOnce = false;

/** An HTTP server whose requests pass the front first; what it lets through answers "routed". */
async function serve(options: { httpsPort: number | null; secure?: boolean; hsts?: string | null }) {
  const lookups: string[] = [];
  const front = createDomainFront({
    lookup: (hostname) => {
      lookups.push(hostname);
      const domain = DOMAINS[hostname] ?? null;
      return answerAtOnce ? domain : Promise.resolve(domain);
    },
    isPlatformHost: (hostname) => hostname.endsWith(".localhost"),
    httpsPort: options.httpsPort,
    hsts: options.hsts === undefined ? "max-age=600" : options.hsts,
  });
  const server = http.createServer(async (req, res) => {
    const host = (req.headers.host ?? "").split(":")[0] ?? "";
    const verdict = front(req, res, host, options.secure === true);
    // A lookup answered at once gives a verdict at once: the request goes on without a tick.
    if (answerAtOnce) expect(verdict).not.toBeInstanceOf(Promise);
    const answered = verdict === false ? [] : await verdict;
    if (answered === true) return;
    for (let i = 0; i < answered.length; i += 2) res.setHeader(answered[i] as string, answered[i + 1] as string);
    res.end("routed");
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, lookups };
}

describe.each([
  ["a lookup that reads", false],
  ["a lookup answered from the cache", true],
])("domain front, %s", (_name, atOnce) => {
  beforeEach(() => {
    answerAtOnce = atOnce;
  });

  it("answers an ACME HTTP-01 challenge with its key authorization, only for its exact token", async () => {
    const { port } = await serve({ httpsPort: 8443 });
    const ok = await request(port, "/.well-known/acme-challenge/tok-1", { host: "issuing.example.com" });
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe("tok-1.abc");
    for (const path of ["/.well-known/acme-challenge/tok-2", "/.well-known/acme-challenge/"]) {
      expect((await request(port, path, { host: "issuing.example.com" })).status).toBe(404);
    }
    expect((await request(port, "/.well-known/acme-challenge/tok-1", { host: "plain.example.com" })).status).toBe(404);
  });

  it("redirects HTTP to HTTPS for domains with a certificate, keeping path and query", async () => {
    const { port } = await serve({ httpsPort: 8443 });
    const res = await request(port, "/cart?id=1", { host: "secure.example.com", method: "POST" });
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe("https://secure.example.com:8443/cart?id=1");
    const on443 = await serve({ httpsPort: 443 });
    expect((await request(on443.port, "/", { host: "secure.example.com" })).headers.location).toBe(
      "https://secure.example.com/",
    );
    // No HTTPS listener: nothing to redirect to, so it is served.
    const off = await serve({ httpsPort: null });
    expect((await request(off.port, "/", { host: "secure.example.com" })).body.toString()).toBe("routed");
  });

  it("redirects www <-> apex to the target's scheme, and serves domains without a certificate over HTTP", async () => {
    const { port } = await serve({ httpsPort: 8443 });
    expect((await request(port, "/a?b", { host: "www.secure.example.com" })).headers.location).toBe(
      "https://secure.example.com:8443/a?b",
    );
    expect((await request(port, "/a", { host: `www.plain.example.com:${port}` })).headers.location).toBe(
      `http://plain.example.com:${port}/a`,
    );
    expect((await request(port, "/", { host: "plain.example.com" })).body.toString()).toBe("routed");
  });

  it("adds HSTS over HTTPS to domains with a certificate only", async () => {
    const { port } = await serve({ httpsPort: 8443, secure: true });
    const res = await request(port, "/", { host: "secure.example.com" });
    expect(res.body.toString()).toBe("routed");
    expect(res.headers["strict-transport-security"]).toBe("max-age=600");
    expect((await request(port, "/", { host: "plain.example.com" })).headers["strict-transport-security"]).toBe(
      undefined,
    );
    const none = await serve({ httpsPort: 8443, secure: true, hsts: null });
    expect((await request(none.port, "/", { host: "secure.example.com" })).headers["strict-transport-security"]).toBe(
      undefined,
    );
  });

  it("lets the platform's own hosts through without a lookup", async () => {
    const { port, lookups } = await serve({ httpsPort: 8443 });
    expect((await request(port, "/.well-known/acme-challenge/tok-1", { host: "shop.localhost" })).body.toString()).toBe(
      "routed",
    );
    expect(lookups).toEqual([]);
  });
});
