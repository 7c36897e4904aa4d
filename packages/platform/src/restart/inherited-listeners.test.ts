import { describe, expect, it } from "vitest";
import { inheritedListeners, withoutListenerEnv } from "./inherited-listeners.ts";

describe("inherited listeners", () => {
  it("takes systemd's sockets by name, only when they are meant for this pid", () => {
    const env = { LISTEN_PID: "42", LISTEN_FDS: "2", LISTEN_FDNAMES: "edge:api" };
    expect(inheritedListeners(env, 42)).toEqual({ edge: 3, api: 4 });
    expect(inheritedListeners(env, 43)).toEqual({});
    expect(inheritedListeners({}, 42)).toEqual({});
  });

  it("takes a restarting predecessor's sockets", () => {
    expect(inheritedListeners({ SLIPWAY_LISTEN_FDS: "api=3,edge=4,https=5" }, 1)).toEqual({
      api: 3,
      edge: 4,
      https: 5,
    });
  });

  it("refuses unnamed or unknown sockets, naming them", () => {
    expect(() => inheritedListeners({ LISTEN_PID: "7", LISTEN_FDS: "1", LISTEN_FDNAMES: "slipway.socket" }, 7)).toThrow(
      /"slipway.socket"/,
    );
    expect(() => inheritedListeners({ LISTEN_PID: "7", LISTEN_FDS: "2", LISTEN_FDNAMES: "api" }, 7)).toThrow(
      /2 sockets named "api"/,
    );
    expect(() => inheritedListeners({ SLIPWAY_LISTEN_FDS: "edge=1" }, 7)).toThrow(/"edge=1"/);
  });

  it("keeps the sockets' variables from the platform's children", () => {
    const env = withoutListenerEnv({ LISTEN_PID: "1", LISTEN_FDS: "1", SLIPWAY_LISTEN_FDS: "api=3", PATH: "/bin" });
    expect(env).toEqual({ PATH: "/bin" });
  });
});
