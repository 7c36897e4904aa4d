import { describe, expect, it } from "vitest";
import { siteFunctionName } from "../deployer/names.ts";
import { MAX_EDGE_ROUTES } from "../edge/route-encoding.ts";
import { deploymentFunctions, deploymentOfFunctionBase } from "./site-functions.ts";

describe("a deployment's function names", () => {
  it("are its server, image and every edge route's function, as the Deployer names them", () => {
    const functions = deploymentFunctions("k3j9x0a1b2", "a8c7d6e5f4");
    expect(functions).toHaveLength(2 + MAX_EDGE_ROUTES);
    expect(functions.map((fn) => fn.key)).toEqual([
      "server",
      "image",
      ...Array.from({ length: MAX_EDGE_ROUTES }, (_, i) => `edge${i}`),
    ]);
    expect(functions[2]).toEqual({
      name: "slipway-site-k3j9x0a1b2-a8c7d6e5f4-edge0",
      deploymentId: "a8c7d6e5f4",
      kind: "edge",
      key: "edge0",
    });
    expect(functions.at(-1)?.name).toBe(siteFunctionName("k3j9x0a1b2", "a8c7d6e5f4", "edge11"));
  });

  it("map each name's own base to the deployment, where a cut site part makes an edge function's differ", () => {
    const site = "a-very-long-project-identifier-from-another-store";
    const functions = deploymentFunctions(site, "dpl_0123456789");
    const bases = deploymentOfFunctionBase(functions);
    const base = (key: "server" | "edge0") => siteFunctionName(site, "dpl_0123456789", key).slice(0, -`-${key}`.length);
    // `-edge0` is a character shorter than `-server`, so its site part keeps one more.
    expect(base("edge0")).not.toBe(base("server"));
    expect(bases.get(base("edge0"))).toBe("dpl_0123456789");
    expect(bases.get(base("server"))).toBe("dpl_0123456789");
    expect(new Set(bases.values())).toEqual(new Set(["dpl_0123456789"]));
  });
});
