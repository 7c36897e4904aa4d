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
    [{ port: "abc" }, {}, 'Invalid port "abc"'],
    [{ edgePort: "70000" }, {}, 'Invalid edgePort "70000"'],
    [{ domain: "Bad Domain" }, {}, 'Invalid domain "Bad Domain"'],
    [{}, { SLIPWAY_SANDBOX: "docker" }, 'Invalid sandbox "docker"'],
    [{}, { SLIPWAY_SANDBOX_NETWORK: "open" }, 'Invalid sandboxNetwork "open"'],
    [{ allowLoopback: "10.0.0.5:5432" }, {}, 'Invalid allowLoopback "10.0.0.5:5432"'],
    [{}, { SLIPWAY_BUILD_MEMORY_MB: "lots" }, 'Invalid buildMemoryMb "lots"'],
  ])("names the bad value: %j %j", (flags, env, message) => {
    expect(() => parsePlatformConfig(flags, env)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining(message) }),
    );
  });
});
