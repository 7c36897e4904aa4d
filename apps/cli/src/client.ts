import type { IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { SlipwayError, slipwayErrorFromJson } from "@slipway/core/errors";

export interface ApiClient {
  baseUrl: string;
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** POSTs bytes as they are (an artifact archive); the answer as `request` reads it. */
  upload<T = unknown>(path: string, body: Buffer, contentType: string): Promise<T>;
  /**
   * PUTs bytes to a URL outside the API (a presigned bucket URL the API handed out), without the
   * API's token: the URL is its own credential.
   */
  putTo(url: string, body: Buffer, headers: Record<string, string>): Promise<void>;
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
  const unreachable = (error: Error) =>
    new SlipwayError(
      "API_UNREACHABLE",
      `Cannot reach the Slipway API at ${baseUrl}: ${error.message}`,
      "Start it with `slipway up`, or set SLIPWAY_URL.",
    );
  const send = (method: string, path: string, headers: Record<string, string>, body?: string | Buffer) =>
    sendTo(new URL(path, baseUrl), method, { ...auth, ...headers }, body, unreachable);
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
    async putTo(url, body, headers) {
      const target = new URL(url);
      const response = await sendTo(
        target,
        "PUT",
        { ...headers, "content-length": String(body.length) },
        body,
        (e) =>
          new SlipwayError(
            "API_UNREACHABLE",
            `Cannot reach the upload URL at ${target.origin}: ${e.message}`,
            "Check the network to the storage the API uses (S3 on AWS), then run the command again.",
          ),
      );
      const text = await readText(response).catch(() => "");
      if (!isOk(response)) {
        // S3 answers in XML: its <Code> names the refusal (AccessDenied, a URL that expired, …).
        const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? "no error code";
        throw new SlipwayError(
          "API_UNREACHABLE",
          `The upload to ${target.origin} failed with HTTP ${response.statusCode} (${code}).`,
          "Run the command again: each try gets a new upload URL.",
        );
      }
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

async function sendTo(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  unreachable: (error: Error) => SlipwayError,
): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? (await import("node:https")).request : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    // No keep-alive: one command, one or two requests, and nothing left to hold the process open.
    const req = request(url, { method, agent: false, headers }, resolve);
    req.once("error", (error) => reject(unreachable(error)));
    req.end(body);
  });
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
