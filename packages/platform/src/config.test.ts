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
    [{ port: "abc" }, {}, 'Invalid port "abc"'],
    [{ edgePort: "70000" }, {}, 'Invalid edgePort "70000"'],
    [{ domain: "Bad Domain" }, {}, 'Invalid domain "Bad Domain"'],
    [{}, { SLIPWAY_SANDBOX: "docker" }, 'Invalid sandbox "docker"'],
  ])("names the bad value: %j %j", (flags, env, message) => {
    expect(() => parsePlatformConfig(flags, env)).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG", message: expect.stringContaining(message) }),
    );
  });
});
