// HTTP request → API Gateway v2 ("HTTP API", payload 2.0) event, the shape the bundle's
// `aws-apigw-v2` converter reads on Lambda. Plain JS: the worker runs without a TS loader.

/**
 * @param {{ method: string, url: string, headers: Record<string, string | string[] | undefined>,
 *   remoteAddress: string, body: Buffer, requestId: string, now?: number }} req
 */
export function toApiGatewayV2Event(req) {
  const q = req.url.indexOf("?");
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQueryString = q < 0 ? "" : req.url.slice(q + 1);
  /** @type {Record<string, string>} */
  const headers = {};
  /** @type {string[]} */
  const cookies = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(key === "cookie" ? "; " : ", ") : value;
    // API Gateway moves cookies out of the headers into `cookies`; the converter joins them back.
    if (key === "cookie") {
      for (const part of joined.split(";")) if (part.trim()) cookies.push(part.trim());
      continue;
    }
    headers[key] = joined;
  }
  const sourceIp = headers["x-forwarded-for"]?.split(",")[0]?.trim() || req.remoteAddress || "127.0.0.1";
  const now = req.now ?? Date.now();
  const hasBody = req.body.length > 0;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    cookies: cookies.length > 0 ? cookies : undefined,
    headers,
    queryStringParameters: rawQueryString ? toQueryParameters(rawQueryString) : undefined,
    requestContext: {
      accountId: "slipway",
      apiId: "slipway",
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0],
      http: {
        method: req.method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: req.requestId,
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    // Always base64: bodies may be binary and the converter decodes either way.
    body: hasBody ? req.body.toString("base64") : undefined,
    isBase64Encoded: hasBody,
  };
}

/** API Gateway joins repeated query parameters with commas. */
function toQueryParameters(rawQueryString) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    out[key] = key in out ? `${out[key]},${value}` : value;
  }
  return out;
}
