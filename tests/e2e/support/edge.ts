import { type ClientResponse, request } from "@slipway/runtime/test-support";

export interface EdgeResponse extends ClientResponse {
  text: string;
}

/** An HTTP request to the edge with a chosen Host header (fetch cannot set Host). */
export async function edgeRequest(
  port: number,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<EdgeResponse> {
  const response = await request(port, path, { ...options, host });
  return { ...response, text: response.body.toString("utf8") };
}
