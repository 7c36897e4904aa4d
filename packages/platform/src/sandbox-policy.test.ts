import { describe, expect, it } from "vitest";
import { decideSandbox, isLocalDomain, isLoopbackHost } from "./sandbox-policy.ts";

const local = { sandbox: "auto", host: "127.0.0.1", domain: "localhost", unsafeNoSandbox: false } as const;
const works = () => true;
const missing = () => false;

describe("decideSandbox", () => {
  it("uses bubblewrap whenever it works, wherever Slipway listens", () => {
    expect(decideSandbox({ ...local, host: "0.0.0.0", domain: "example.com" }, works)).toEqual({ kind: "bwrap" });
  });

  it("runs unsandboxed on loopback and *.localhost, with a banner that says so", () => {
    const decision = decideSandbox({ ...local, domain: "dev.localhost" }, missing);
    expect(decision.kind).toBe("none");
    expect(decision.kind === "none" && decision.banner).toContain("NO SANDBOX");
    expect(decideSandbox({ ...local, sandbox: "none" }, works).kind).toBe("none");
  });

  it.each([
    ["a public domain", { domain: "example.com" }, 'domain "example.com"'],
    ["a public address", { host: "0.0.0.0" }, 'listen address "0.0.0.0"'],
    ["a public domain with SLIPWAY_SANDBOX=none", { domain: "example.com", sandbox: "none" as const }, "none"],
  ])("refuses %s without one, naming the flag that accepts the risk", (_, overrides, named) => {
    const attempt = () => decideSandbox({ ...local, ...overrides }, missing);
    expect(attempt).toThrow(
      expect.objectContaining({ code: "SANDBOX_REQUIRED", message: expect.stringContaining(named) }),
    );
    expect(attempt).toThrow(expect.objectContaining({ hint: expect.stringContaining("--unsafe-no-sandbox") }));
    expect(decideSandbox({ ...local, ...overrides, unsafeNoSandbox: true }, missing).kind).toBe("none");
  });

  it("stops when bubblewrap is required but cannot run", () => {
    expect(() => decideSandbox({ ...local, sandbox: "bwrap" }, missing)).toThrow(
      expect.objectContaining({ code: "SANDBOX_REQUIRED" }),
    );
  });
});

describe("local addresses", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["localhost", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.5", false],
  ])("host %s is loopback: %s", (host, expected) => expect(isLoopbackHost(host)).toBe(expected));

  it.each([
    ["localhost", true],
    ["shop.localhost", true],
    ["localhost.example.com", false],
    ["example.com", false],
  ])("domain %s is local: %s", (domain, expected) => expect(isLocalDomain(domain)).toBe(expected));
});
