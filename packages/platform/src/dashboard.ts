import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";

/** apps/dashboard, built by the root `prepare` (npm ci) into its .next/. */
export const DASHBOARD_DIR = fileURLToPath(new URL("../../../apps/dashboard/", import.meta.url));

/** Where the dashboard's server code finds the API's fetch (see apps/dashboard/lib/api.ts). */
const IN_PROCESS_API = Symbol.for("slipway.dashboard.apiFetch");

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const NEXT_MODULE = "next";
/** The part of Next's custom-server API used here. */
type NextFactory = (options: {
  dev: boolean;
  dir: string;
  customServer: boolean;
  hostname?: string;
  port?: number;
}) => {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};

/**
 * Next's request handler for the dashboard, in this process: the pages call the API's fetch
 * directly (same routes, same auth, no socket). Loaded on the first page request, so a platform
 * that only serves the API (the CLI, most tests) never pays for loading Next (~0.5 s, ~60 MB).
 */
export function createDashboardListener(
  apiFetch: (request: Request) => Response | Promise<Response>,
  options: { dir?: string; log: (line: string) => void; hostname?: string; port?: number },
): Listener {
  const dir = options.dir ?? DASHBOARD_DIR;
  let loading: Promise<Listener | null> | undefined;
  const load = async (): Promise<Listener | null> => {
    if (!existsSync(`${dir}/.next/BUILD_ID`)) {
      options.log(`The dashboard is not built (no ${dir}.next): run \`npm run build -w apps/dashboard\`.`);
      return null;
    }
    (globalThis as Record<symbol, unknown>)[IN_PROCESS_API] = apiFetch;
    // By a variable: Next's types (they widen Node's globals) stay out of the platform's program.
    const { default: next } = (await import(NEXT_MODULE)) as { default: NextFactory };
    // Its own address: a server action's redirect is fetched from it (Next's default is :3000).
    const app = next({
      dev: false,
      dir,
      customServer: true,
      ...(options.hostname ? { hostname: options.hostname } : {}),
      ...(options.port ? { port: options.port } : {}),
    });
    await app.prepare();
    const handle = app.getRequestHandler();
    return (req, res) => void handle(req, res);
  };
  return (req, res) => {
    loading ??= load().catch((error: unknown) => {
      options.log(`The dashboard failed to start: ${error instanceof Error ? error.message : String(error)}`);
      loading = undefined;
      return null;
    });
    void loading.then((listener) => {
      if (listener) return listener(req, res);
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end("The dashboard is not available: see the platform's log. The API is at /api/v1.\n");
    });
  };
}

/**
 * `/api` and everything under it belongs to the API (v1, and the auth routes beside it), and so does
 * `/metrics`, where Prometheus scrapes by convention.
 */
export function isApiPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const path = url.split("?", 1)[0] ?? "";
  return path === "/api" || path.startsWith("/api/") || path === "/metrics";
}
