import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import streaming from "@opennextjs/aws/overrides/wrappers/aws-lambda-streaming.js";
import type { Wrapper, WrapperHandler } from "@opennextjs/aws/types/overrides.js";
import { EDGE_ROUTE_FILE, flatAssetName } from "../../../core/src/edge-assets.ts";
import { parseRoutePattern, type RouteSegment, routeParams } from "../../../core/src/route-pattern.ts";

/**
 * Wrapper for edge runtime functions: OpenNext's streaming wrapper (as the server function uses,
 * so the worker and Lambda response streaming both apply), plus what Next's own edge sandbox
 * provides and OpenNext 4.1.16 does not: `fetch("blob:<name>")` of the assets Next bundled with
 * the route (`next/og` loads its default font that way). They are read from the bundle's
 * `assets/` folder (cwd is the bundle folder, as on Lambda). And the WebAssembly modules Next's
 * edge chunks expect as globals named after them (`wasm_<hash>`, `next/og`'s resvg and yoga):
 * OpenNext copies them to `wasm/<name>.wasm` but declares them where the chunks cannot see them.
 */
const ASSET_NAME = /^[\w.-]{1,255}$/;

function installBlobAssets(): void {
  const original = globalThis.fetch;
  if ((original as { slipwayBlobAssets?: boolean }).slipwayBlobAssets) return;
  const patched = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith("blob:")) return original(input, init);
    const name = flatAssetName(url.slice("blob:".length));
    // Only names Next gives its assets: never a path out of the bundle's assets folder.
    if (!ASSET_NAME.test(name) || name.startsWith(".")) return new Response(null, { status: 404 });
    try {
      return new Response(await readFile(path.join(process.cwd(), "assets", name)));
    } catch {
      return new Response(null, { status: 404 });
    }
  };
  globalThis.fetch = Object.assign(patched, { slipwayBlobAssets: true }) as typeof fetch;
}

const WASM_GLOBAL = /^wasm_[\w$]{1,128}$/;

function installWasmGlobals(): void {
  let files: string[];
  try {
    files = readdirSync(path.join(process.cwd(), "wasm"));
  } catch {
    return; // a route without WebAssembly
  }
  const globals = globalThis as Record<string, unknown>;
  for (const file of files) {
    const name = file.endsWith(".wasm") ? file.slice(0, -".wasm".length) : "";
    if (!WASM_GLOBAL.test(name) || globals[name] !== undefined) continue;
    globals[name] = new (globals.WebAssembly as { Module: new (bytes: Uint8Array) => unknown }).Module(
      readFileSync(path.join(process.cwd(), "wasm", file)),
    );
  }
}

/** The route this bundle serves, as the builder wrote it beside the bundle (`/hello/[name]`). */
function readRoute(): RouteSegment[] | null {
  try {
    const { path: pattern } = JSON.parse(readFileSync(path.join(process.cwd(), EDGE_ROUTE_FILE), "utf8")) as {
      path?: unknown;
    };
    return typeof pattern === "string" ? parseRoutePattern(pattern) : null;
  } catch {
    return null;
  }
}

/**
 * Next's edge route code reads dynamic params from the query as `nxtP<name>` (its server adds
 * them before calling an edge function; OpenNext does not). Any such key the client sent is
 * dropped first, so a request cannot choose params its path does not have.
 */
export function withRouteParams(url: string, route: readonly RouteSegment[]): string {
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) if (key.startsWith("nxtP")) parsed.searchParams.delete(key);
  const params = routeParams(route, parsed.pathname) ?? {};
  for (const [name, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) parsed.searchParams.append(`nxtP${name}`, one);
  }
  return parsed.href;
}

const wrapStreaming: WrapperHandler = async (handler, converter) => {
  installBlobAssets();
  installWasmGlobals();
  const route = readRoute();
  return streaming.wrapper(
    route === null
      ? handler
      : (event, options) => handler({ ...event, url: withRouteParams(event.url, route) }, options),
    converter,
  );
};

const wrapper: Wrapper = { name: "slipway-edge", supportStreaming: true, wrapper: wrapStreaming };

export default wrapper;
