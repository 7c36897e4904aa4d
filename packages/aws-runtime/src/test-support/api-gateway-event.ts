import type { LambdaEvent } from "hono/aws-lambda";
import type { createApiHandler } from "../lambda/api.ts";

/**
 * An API Gateway HTTP API (payload 2.0) event, as the `$default` route hands it to the API's
 * function: `path` may carry a query string, `token` is sent as a bearer unless null, `body` as JSON.
 */
export function apiGatewayEvent(
  method: string,
  path: string,
  request: { token: string | null; body?: unknown },
): LambdaEvent {
  const [rawPath = path, rawQueryString = ""] = path.split("?");
  const headers: Record<string, string> = {
    host: "abc123.execute-api.us-east-1.amazonaws.com",
    "user-agent": "slipway-test",
  };
  if (request.token !== null) headers.authorization = `Bearer ${request.token}`;
  if (request.body !== undefined) headers["content-type"] = "application/json";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "slipway-test" },
      requestId: `req-${Math.random()}`,
      authentication: null,
      authorizer: {},
      routeKey: "$default",
      stage: "$default",
      time: "01/Dec/2026:00:00:00 +0000",
      timeEpoch: Date.now(),
    },
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
  } as LambdaEvent;
}

/** The API function's answer to `event`: its status, and its body parsed as JSON (null when empty). */
export async function callApiHandler(
  api: ReturnType<typeof createApiHandler>,
  event: LambdaEvent,
): Promise<{ status: number; json: unknown }> {
  const response = await api(event);
  const text = response.isBase64Encoded ? Buffer.from(response.body, "base64").toString() : response.body;
  return { status: response.statusCode, json: text ? (JSON.parse(text) as unknown) : null };
}
