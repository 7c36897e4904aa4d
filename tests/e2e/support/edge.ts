import { request } from "node:http";

export interface EdgeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  /** When each body chunk arrived, ms after the request was sent. */
  chunkTimes: number[];
}

/** An HTTP request to the edge with a chosen Host header (fetch cannot set Host). */
export function edgeRequest(
  port: number,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<EdgeResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: { host, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const chunkTimes: number[] = [];
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          chunkTimes.push(Date.now() - started);
        });
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8"), chunkTimes });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}
