import { CliError } from "./errors.ts";

export interface ApiClient {
  baseUrl: string;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Raw response for streaming endpoints. */
  stream(path: string): Promise<Response>;
}

export function createApiClient(baseUrl: string, token: string | undefined): ApiClient {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  const send = async (method: string, path: string, init: RequestInit) => {
    try {
      return await fetch(new URL(path, baseUrl), { method, ...init });
    } catch (error) {
      throw new CliError(
        `Cannot reach the Slipway API at ${baseUrl}: ${(error as Error).cause ?? (error as Error).message}`,
        "Start it with `slipway up`, or set SLIPWAY_URL.",
        "UNREACHABLE",
      );
    }
  };
  return {
    baseUrl,
    async request(method, path, body) {
      const response = await send(method, path, {
        headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      const parsed = text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
      if (!response.ok) {
        const error = (parsed ?? {}) as { code?: string; message?: string; hint?: string };
        throw new CliError(
          error.message ?? `${method} ${path} failed with HTTP ${response.status}`,
          error.hint,
          error.code,
        );
      }
      return parsed;
    },
    async stream(path) {
      const response = await send("GET", path, { headers: headers({ accept: "text/event-stream" }) });
      if (!response.ok) {
        const error = (await response.json().catch(() => ({}))) as { message?: string; hint?: string; code?: string };
        throw new CliError(error.message ?? `GET ${path} failed with HTTP ${response.status}`, error.hint, error.code);
      }
      return response;
    },
  };
}
