import type { IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { SlipwayError, slipwayErrorFromJson } from "@slipway/core/errors";

export interface ApiClient {
  baseUrl: string;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** POSTs bytes as they are (an artifact archive); the answer as `request` reads it. */
  upload<T = unknown>(path: string, body: Buffer, contentType: string): Promise<T>;
  /**
   * A streaming response's body as text, as it arrives; `lastEventId` resumes a Server-Sent
   * Events stream. Leaving the loop early closes the connection.
   */
  stream(path: string, options?: { lastEventId?: string }): Promise<AsyncIterable<string>>;
}

/**
 * Talks to the API; a failed call throws the API's own catalogued error (code, message, hint).
 * Uses node:http rather than fetch: loading fetch (undici) costs more CPU than the whole rest of
 * a command's start.
 */
export function createApiClient(baseUrl: string, token: string | undefined): ApiClient {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const send = async (method: string, path: string, headers: Record<string, string>, body?: string | Buffer) => {
    const url = new URL(path, baseUrl);
    const request = url.protocol === "https:" ? (await import("node:https")).request : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      // No keep-alive: one command, one or two requests, and nothing left to hold the process open.
      const req = request(url, { method, agent: false, headers: { ...auth, ...headers } }, resolve);
      req.once("error", (error) =>
        reject(
          new SlipwayError(
            "API_UNREACHABLE",
            `Cannot reach the Slipway API at ${baseUrl}: ${error.message}`,
            "Start it with `slipway up`, or set SLIPWAY_URL.",
          ),
        ),
      );
      req.end(body);
    });
  };
  const failure = async (method: string, path: string, response: IncomingMessage) => {
    const text = await readText(response).catch(() => "");
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): the fallback message names the status.
    }
    return slipwayErrorFromJson(body, `${method} ${path} failed with HTTP ${response.statusCode}`);
  };
  return {
    baseUrl,
    async request(method, path, body) {
      const json = body === undefined ? undefined : JSON.stringify(body);
      const response = await send(method, path, json === undefined ? {} : { "content-type": "application/json" }, json);
      if (!isOk(response)) throw await failure(method, path, response);
      const text = await readText(response);
      return text && response.headers["content-type"]?.includes("json") ? JSON.parse(text) : text;
    },
    async upload(path, body, contentType) {
      const response = await send(
        "POST",
        path,
        { "content-type": contentType, "content-length": String(body.length) },
        body,
      );
      if (!isOk(response)) throw await failure("POST", path, response);
      const text = await readText(response);
      return text && response.headers["content-type"]?.includes("json") ? JSON.parse(text) : text;
    },
    async stream(path, options = {}) {
      const resume: Record<string, string> = options.lastEventId ? { "last-event-id": options.lastEventId } : {};
      const response = await send("GET", path, { accept: "text/event-stream", ...resume });
      if (!isOk(response)) throw await failure("GET", path, response);
      response.setEncoding("utf8"); // decodes characters split across chunks
      return response;
    },
  };
}

function isOk(response: IncomingMessage): boolean {
  const status = response.statusCode ?? 0;
  return status >= 200 && status < 300;
}

async function readText(response: IncomingMessage): Promise<string> {
  response.setEncoding("utf8");
  let text = "";
  for await (const chunk of response) text += chunk;
  return text;
}
