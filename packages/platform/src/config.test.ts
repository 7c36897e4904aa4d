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

  it("parses sandbox limits and the loopback allowlist, leaving unset limits to the packages' defaults", () => {
    const config = parsePlatformConfig(
      { allowLoopback: "127.0.0.1:5432, localhost:6379" },
      { SLIPWAY_BUILD_MEMORY_MB: "2048", SLIPWAY_WORKER_MEMORY_MB: "512", SLIPWAY_SANDBOX_NETWORK: "isolated" },
    );
    expect(config).toMatchObject({
      allowLoopback: ["127.0.0.1:5432", "localhost:6379"],
      buildMemoryMb: 2048,
      workerMemoryMb: 512,
      sandboxNetwork: "isolated",
    });
    expect(config.buildDiskMb).toBeUndefined();
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
    [{}, { SLIPWAY_SANDBOX_NETWORK: "open" }, 'SLIPWAY_SANDBOX_NETWORK "open" is invalid'],
    [{ allowLoopback: "10.0.0.5:5432" }, {}, '--allow-loopback "10.0.0.5:5432" (or SLIPWAY_ALLOW_LOOPBACK) is invalid'],
    [{}, { SLIPWAY_BUILD_MEMORY_MB: "lots" }, 'SLIPWAY_BUILD_MEMORY_MB "lots" is invalid'],
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
