import { ISSUE_CERTIFICATE_JOB } from "@slipway/core";
import { createMemoryDns } from "@slipway/memory";
import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";

const headers = { authorization: "Bearer good-token", "content-type": "application/json" };
const ADDRESS = "203.0.113.7";

async function setup(maxPerProject = 50) {
  const dns = createMemoryDns();
  const api = await setupApi({
    dns,
    settings: {
      retainDeployments: 10,
      domains: { addresses: [ADDRESS], cnameTarget: "edge.slipway.test", maxPerProject },
    },
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await api.app.request(`/api/v1${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
  };
  for (const name of ["shop", "rival"]) {
    expect((await call("POST", "/projects", { name, repo: `https://github.com/acme/${name}.git` })).status).toBe(201);
  }
  return { ...api, dns, call };
}

describe("domains API", () => {
  it("adds a domain (IDN as punycode) and answers the records to set, status and reason", async () => {
    const { call } = await setup();
    const added = await call("POST", "/domains", { hostname: "Bücher.Example.", project: "shop" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      hostname: "xn--bcher-kva.example",
      project: "shop",
      status: "pending",
      reason: null,
      ownershipRequired: false,
      certificate: null,
      records: [
        { type: "A", name: "xn--bcher-kva.example", value: ADDRESS },
        { type: "CNAME", name: "xn--bcher-kva.example", value: "edge.slipway.test" },
      ],
    });
    const listed = await call("GET", "/domains?project=shop");
    expect(listed.body.map((d) => d.hostname)).toEqual(["xn--bcher-kva.example"]);
    expect((await call("GET", "/domains/b%C3%BCcher.example")).body).toMatchObject({
      hostname: "xn--bcher-kva.example",
    });
  });

  it.each([
    ["", "is empty"],
    ["exa mple.com", "no spaces"],
    ["https://example.com/", "no spaces, scheme"],
    ["example.com:443", "port"],
    ["*.example.com", "wildcard"],
    ["www.*.example.com", "whole first label"],
    ["localhost", "two labels"],
    ["shop.localhost", "platform's own domain"],
    ["10.0.0.1", "IP address"],
    [`${"a".repeat(64)}.com`, "1-63"],
    ["a..example.com", "not a valid"],
    ["-bad.example.com", "inner hyphens"],
    ["<script>.example.com", "not a valid"],
    [`${"a.".repeat(130)}com`, "limit is 253"],
  ])("refuses %j with an error that names it (%s)", async (hostname, why) => {
    const { call } = await setup();
    const res = await call("POST", "/domains", { hostname, project: "shop" });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_DOMAIN");
    expect(res.body.message).toContain(`"${hostname}"`);
    expect(res.body.message).toContain(why);
    expect((await call("GET", "/domains")).body).toEqual([]);
  });

  it("refuses unknown fields, a missing project, and redirects to a domain the project does not hold", async () => {
    const { call } = await setup();
    expect(
      (await call("POST", "/domains", { hostname: "a.example.com", project: "shop", redirect_to: "x" })).body,
    ).toMatchObject({ code: "INVALID_INPUT" });
    expect((await call("POST", "/domains", { hostname: "a.example.com", project: "nope" })).status).toBe(404);
    const res = await call("POST", "/domains", {
      hostname: "www.example.com",
      project: "shop",
      redirectTo: "example.com",
    });
    expect(res.body).toMatchObject({ code: "INVALID_DOMAIN", message: expect.stringContaining("example.com") });
    await call("POST", "/domains", { hostname: "example.com", project: "shop" });
    const ok = await call("POST", "/domains", {
      hostname: "www.example.com",
      project: "shop",
      redirectTo: "example.com",
    });
    expect(ok.body).toMatchObject({ status: "pending", redirectTo: "example.com" });
    // The target cannot go while something redirects to it.
    expect((await call("DELETE", "/domains/example.com")).body).toMatchObject({ code: "INVALID_DOMAIN" });
  });

  it("one owner per hostname: another project cannot take it, and needs the TXT proof under its apex", async () => {
    const { call, dns } = await setup();
    await call("POST", "/domains", { hostname: "example.com", project: "shop" });
    const taken = await call("POST", "/domains", { hostname: "EXAMPLE.com", project: "rival" });
    expect(taken).toMatchObject({ status: 409, body: { code: "HOSTNAME_TAKEN" } });
    expect(taken.body.message).toContain("example.com");
    const again = await call("POST", "/domains", { hostname: "example.com", project: "shop" });
    expect(again).toMatchObject({ status: 409, body: { code: "DOMAIN_EXISTS" } });

    const sub = await call("POST", "/domains", { hostname: "blog.example.com", project: "rival" });
    expect(sub.body.ownershipRequired).toBe(true);
    const txt = (sub.body.records as Array<Record<string, string>>).find((r) => r.type === "TXT");
    expect(txt?.name).toBe("_slipway-challenge.blog.example.com");
    dns.set("blog.example.com", "a", [ADDRESS]);
    const unproven = await call("POST", "/domains/blog.example.com/verify");
    expect(unproven.body).toMatchObject({ verified: false, status: "pending" });
    expect(unproven.body.reason).toContain("_slipway-challenge.blog.example.com is not set");
    dns.set("_slipway-challenge.blog.example.com", "txt", [String(txt?.value)]);
    expect((await call("POST", "/domains/blog.example.com/verify")).body).toMatchObject({ verified: true });
  });

  it("verify checks A/AAAA or CNAME through the resolver; passing queues the certificate once", async () => {
    const { call, dns, queue } = await setup();
    await call("POST", "/domains", { hostname: "shop.example.org", project: "shop" });
    const none = await call("POST", "/domains/shop.example.org/verify");
    expect(none.body).toMatchObject({ verified: false, status: "pending" });
    expect(none.body.reason).toContain("no A, AAAA or CNAME record");
    dns.set("shop.example.org", "a", ["198.51.100.1"]);
    expect((await call("POST", "/domains/shop.example.org/verify")).body.reason).toContain("198.51.100.1");
    dns.set("shop.example.org", "a", []);
    dns.set("shop.example.org", "cname", ["edge.slipway.test."]);
    const ok = await call("POST", "/domains/shop.example.org/verify");
    expect(ok.body).toMatchObject({ verified: true, status: "verified", reason: null });
    expect((await call("POST", "/domains/shop.example.org/verify")).body).toMatchObject({ verified: true });
    const jobs = [];
    for (let job = await queue.claim(1000); job; job = await queue.claim(1000)) jobs.push(job);
    expect(jobs.map((j) => [j.type, j.payload])).toEqual([[ISSUE_CERTIFICATE_JOB, { hostname: "shop.example.org" }]]);

    dns.fail("connect ECONNREFUSED 127.0.0.1:53");
    await call("POST", "/domains", { hostname: "other.example.org", project: "shop" });
    const down = await call("POST", "/domains/other.example.org/verify");
    expect(down).toMatchObject({ status: 503, body: { code: "DNS_UNAVAILABLE" } });
    expect(down.body.message).toContain("ECONNREFUSED");
  });

  it("enforces the limit per project and removes domains", async () => {
    const { call } = await setup(2);
    for (const host of ["a.example.net", "b.example.net"]) {
      expect((await call("POST", "/domains", { hostname: host, project: "shop" })).status).toBe(201);
    }
    const over = await call("POST", "/domains", { hostname: "c.example.net", project: "shop" });
    expect(over).toMatchObject({ status: 409, body: { code: "DOMAIN_LIMIT" } });
    expect(over.body.message).toContain("limit is 2");
    expect((await call("DELETE", "/domains/A.example.net")).body).toEqual({
      removed: "a.example.net",
      project: "shop",
    });
    expect((await call("GET", "/domains/a.example.net")).body).toMatchObject({ code: "DOMAIN_NOT_FOUND" });
    expect((await call("DELETE", "/domains/a.example.net")).status).toBe(404);
    expect((await call("POST", "/domains", { hostname: "c.example.net", project: "shop" })).status).toBe(201);
  });
});
