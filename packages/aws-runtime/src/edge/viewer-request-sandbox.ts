import { readFileSync } from "node:fs";
import vm from "node:vm";
import { VIEWER_REQUEST_FUNCTION_PATH } from "./viewer-request-function.ts";

// Test support: runs the viewer-request function as shipped, outside CloudFront.

/** The shipped file's first line; the sandbox swaps it for its own `cloudfront` module. */
export const FUNCTION_IMPORT = 'import cf from "cloudfront";\n';

export interface FunctionResult {
  statusCode?: number;
  body?: { data: string };
  uri?: string;
  headers: Record<string, { value: string }>;
}

/**
 * Runs the shipped file in a fresh V8 context with a `cloudfront` module that behaves as the
 * docs say: `kvs().get(key)` resolves the value as a string and rejects when the key is absent;
 * `updateRequestOrigin` changes the origin of this request only (recorded here).
 */
export function loadViewerRequestFunction(entries: ReadonlyMap<string, string>) {
  const lookups: string[] = [];
  const origins: Record<string, unknown>[] = [];
  const cloudfront = {
    kvs: () => ({
      get: async (key: string, options?: { format?: string }) => {
        lookups.push(key);
        const value = entries.get(key);
        if (value === undefined) throw new Error(`KeyNotFound: ${key}`);
        return options?.format === "json" ? JSON.parse(value) : value;
      },
      exists: async (key: string) => entries.has(key),
    }),
    updateRequestOrigin: (origin: Record<string, unknown>) => {
      origins.push(origin);
    },
  };
  const source = readFileSync(VIEWER_REQUEST_FUNCTION_PATH, "utf8");
  if (!source.startsWith(FUNCTION_IMPORT)) throw new Error("viewer-request.js no longer starts with its import");
  const context = vm.createContext({ __cloudfront: cloudfront });
  new vm.Script(source.replace(FUNCTION_IMPORT, "const cf = __cloudfront;\n"), {
    filename: "viewer-request.js",
  }).runInContext(context);
  const handler = context.handler as (event: unknown) => Promise<FunctionResult>;
  // CloudFront calls the top-level function named `handler`.
  if (typeof handler !== "function") throw new Error("viewer-request.js defines no top-level handler");
  return { handler, lookups, origins };
}

/** A viewer-request event as CloudFront passes it (docs: CloudFront Functions event structure). */
export function viewerRequest(options: {
  host: string;
  uri?: string;
  method?: string;
  ip?: string;
  headers?: Record<string, { value: string }>;
  cookies?: Record<string, { value: string }>;
}) {
  return {
    version: "1.0",
    context: {
      distributionDomainName: "d111111abcdef8.cloudfront.net",
      distributionId: "EDFDVBD6EXAMPLE",
      eventType: "viewer-request",
      requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
    },
    viewer: { ip: options.ip ?? "198.51.100.11" },
    request: {
      method: options.method ?? "GET",
      uri: options.uri ?? "/",
      querystring: { q: { value: "1" } },
      headers: {
        host: { value: options.host },
        accept: { value: "text/html" },
        "user-agent": { value: "Mozilla/5.0" },
        ...options.headers,
      },
      cookies: options.cookies ?? {},
    },
  };
}
