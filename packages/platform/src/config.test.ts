import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePlatformConfig } from "./config.ts";

describe("parsePlatformConfig", () => {
  it("defaults to .slipway, 7300 and 7380 on localhost", () => {
    expect(parsePlatformConfig({}, {})).toMatchObject({
      dataDir: resolve(".slipway"),
      port: 7300,
      edgePort: 7380,
      domain: "localhost",
      sandbox: "auto",
    });
  });

  it("takes flags over the environment", () => {
    const config = parsePlatformConfig({ port: "8000" }, { SLIPWAY_PORT: "9000", SLIPWAY_EDGE_PORT: "9001" });
    expect(config).toMatchObject({ port: 8000, edgePort: 9001 });
  });

  it.each([
    [{ port: "abc" }, {}, '--port "abc" (or SLIPWAY_PORT) must be a port number 1-65535'],
    [{}, { SLIPWAY_PORT: "abc" }, 'SLIPWAY_PORT "abc" (or --port) must be a port number 1-65535'],
    [{ edgePort: "70000" }, {}, '--edge-port "70000" (or SLIPWAY_EDGE_PORT) must be a port number 1-65535'],
    [
      { domain: "Bad Domain" },
      {},
      '--domain "Bad Domain" (or SLIPWAY_DOMAIN) is invalid: must be a lowercase DNS name',
    ],
    [{}, { SLIPWAY_SANDBOX: "docker" }, 'SLIPWAY_SANDBOX "docker" is invalid'],
  ])("names the flag, the variable and the bad value: %j %j", (flags, env, message) => {
    expect(() => parsePlatformConfig(flags, env)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining(message) }),
    );
  });

  it("names only the variable for settings without a flag", () => {
    expect(() => parsePlatformConfig({}, { SLIPWAY_RETAIN_DEPLOYMENTS: "0" })).toThrow(
      /^SLIPWAY_RETAIN_DEPLOYMENTS "0" is invalid/,
    );
  });
});
