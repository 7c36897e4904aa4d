import http from "node:http";

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Milliseconds since the request was sent, for each body chunk: shows streaming. */
  chunkTimes: number[];
}

/** node:http, not fetch: fetch refuses to set the Host header, which is how the edge routes. */
export function request(
  port: number,
  path: string,
  options: { host?: string; method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<ClientResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: { host: options.host ?? "fixture.localhost", ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const chunkTimes: number[] = [];
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          chunkTimes.push(performance.now() - started);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), chunkTimes }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
