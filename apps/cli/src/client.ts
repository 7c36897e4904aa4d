import { SlipwayError, slipwayErrorFromJson } from "@slipway/core/errors";

export interface ApiClient {
  baseUrl: string;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Raw response for streaming endpoints; `lastEventId` resumes a Server-Sent Events stream. */
  stream(path: string, options?: { lastEventId?: string }): Promise<Response>;
}

/** Talks to the API; a failed call throws the API's own catalogued error (code, message, hint). */
export function createApiClient(baseUrl: string, token: string | undefined): ApiClient {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  const send = async (method: string, path: string, init: RequestInit) => {
    try {
      return await fetch(new URL(path, baseUrl), { method, ...init });
    } catch (error) {
      throw new SlipwayError(
        "API_UNREACHABLE",
        `Cannot reach the Slipway API at ${baseUrl}: ${(error as Error).cause ?? (error as Error).message}`,
        "Start it with `slipway up`, or set SLIPWAY_URL.",
      );
    }
  };
  const failure = async (method: string, path: string, response: Response) => {
    const body = await response.json().catch(() => null);
    return slipwayErrorFromJson(body, `${method} ${path} failed with HTTP ${response.status}`);
  };
  return {
    baseUrl,
    async request(method, path, body) {
      const response = await send(method, path, {
        headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw await failure(method, path, response);
      const text = await response.text();
      return text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
    },
    async stream(path, options = {}) {
      const resume: Record<string, string> = options.lastEventId ? { "last-event-id": options.lastEventId } : {};
      const response = await send("GET", path, { headers: headers({ accept: "text/event-stream", ...resume }) });
      if (!response.ok) throw await failure("GET", path, response);
      return response;
    },
  };
}
