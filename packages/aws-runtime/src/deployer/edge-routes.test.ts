import type { DeploymentManifest, RoutedFunction } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { MAX_EDGE_ROUTES } from "../edge/route-encoding.ts";
import { SERVER_ENTRY_HANDLER } from "../server-function/entry-env.ts";
import { checkEdgeRoutesFit, edgeRouteOrigins } from "./edge-routes.ts";
import { planSiteFunctions } from "./site-function-plan.ts";

const routed = (name: string, path: string): RoutedFunction => ({
  name,
  runtime: "edge",
  dir: `server-functions/${name}`,
  entry: "index.mjs",
  streaming: true,
  routes: [`app${path}/route`],
  paths: [path],
  cdnPatterns: [path.slice(1)],
});
const manifest = (functions: RoutedFunction[]) =>
  ({
    server: { dir: "server-functions/default", entry: "index.mjs", streaming: true },
    image: { dir: "image-optimization-function", entry: "index.mjs" },
    functions,
  }) as unknown as DeploymentManifest;
const ids = { siteId: "prj", deploymentId: "k3j9x0a1b2" };
const memory = { server: 1024, image: 1536 };

describe("edge-runtime routes in the AWS Deployer's plan", () => {
  it("plans one streaming function per edge route, behind the server entry, named edge<n> in the manifest's order", () => {
    const functions = planSiteFunctions(
      manifest([routed("edge-og", "/og"), routed("edge-hello-name", "/hello/[name]")]),
      ids,
      memory,
    );
    expect(functions.map((fn) => [fn.role, fn.key, fn.name])).toEqual([
      ["server", "server", "slipway-site-prj-k3j9x0a1b2-server"],
      ["image", "image", "slipway-site-prj-k3j9x0a1b2-image"],
      ["edge", "edge0", "slipway-site-prj-k3j9x0a1b2-edge0"],
      ["edge", "edge1", "slipway-site-prj-k3j9x0a1b2-edge1"],
    ]);
    expect(functions[3]).toMatchObject({
      dir: "server-functions/edge-hello-name",
      handler: SERVER_ENTRY_HANDLER,
      invokeMode: "RESPONSE_STREAM",
      memory: 1024,
      paths: ["/hello/[name]"],
      label: "edge route /hello/[name] (edge-hello-name)",
    });
  });

  it("puts each edge route's paths on the host of its function's URL", () => {
    const functions = planSiteFunctions(manifest([routed("edge-og", "/og")]), ids, memory);
    const urls = {
      server: "https://s.lambda-url.eu-west-1.on.aws/",
      edge0: "https://e0.lambda-url.eu-west-1.on.aws/",
    };
    expect(edgeRouteOrigins(functions, urls)).toEqual({
      edge: [{ path: "/og", origin: "e0.lambda-url.eu-west-1.on.aws" }],
    });
    expect(edgeRouteOrigins(planSiteFunctions(manifest([]), ids, memory), urls)).toEqual({});
  });

  it("refuses, before anything is made, more edge routes than the route table holds, naming them", () => {
    const fits = Array.from({ length: MAX_EDGE_ROUTES }, (_, i) => routed(`edge-r${i}`, `/r${i}`));
    expect(() => checkEdgeRoutesFit(ids.deploymentId, planSiteFunctions(manifest(fits), ids, memory))).not.toThrow();
    const many = [...fits, routed("edge-last", "/last")];
    expect(() => checkEdgeRoutesFit(ids.deploymentId, planSiteFunctions(manifest(many), ids, memory))).toThrow(
      new RegExp(`has ${MAX_EDGE_ROUTES + 1} edge-runtime route paths \\(/r0, .*, /last\\).*Node\\.js runtime`),
    );
    const long = Array.from({ length: 6 }, (_, i) => routed(`edge-l${i}`, `/${"x".repeat(120)}${i}`));
    expect(() => checkEdgeRoutesFit(ids.deploymentId, planSiteFunctions(manifest(long), ids, memory))).toThrow(
      /the limit is 1024/,
    );
  });
});
