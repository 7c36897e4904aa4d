import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";

/**
 * The Lambda Node.js runtime's side of response streaming, for invoking a handler in process as
 * Lambda does behind a function URL with `InvokeMode: RESPONSE_STREAM`:
 * - `awslambda.streamifyResponse(fn)` marks `fn` and returns it (the runtime then calls it as
 *   `fn(event, responseStream, context)`; a handler that is not marked gets `(event, context)`
 *   and its return value is the buffered response);
 * - `awslambda.HttpResponseStream.from(stream, prelude)` sets the content type
 *   `application/vnd.awslambda.http-integration-response` and writes the prelude as JSON, then 8
 *   NUL bytes; what follows is the body, which the function URL forwards as it comes.
 */
const STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
const PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
const DELIMITER = Buffer.alloc(8);

type AnyHandler = ((...args: unknown[]) => unknown) & { [STREAMING]?: string };

export function installAwsLambdaGlobal(): void {
  (globalThis as Record<string, unknown>).awslambda = {
    streamifyResponse(handler: AnyHandler) {
      handler[STREAMING] = "response";
      return handler;
    },
    HttpResponseStream: {
      from(stream: Writable & { setContentType(type: string): void }, prelude: unknown) {
        stream.setContentType(PRELUDE_CONTENT_TYPE);
        stream.write(JSON.stringify(prelude ?? {}));
        stream.write(DELIMITER);
        return stream;
      },
    },
  };
}

/** What the function URL answered, with when each body chunk arrived (ms since the invoke). */
export interface FunctionUrlResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: string[];
  readonly body: Buffer;
  readonly text: string;
  readonly bodyChunks: { readonly at: number; readonly bytes: number }[];
  readonly endedAt: number;
}

/** Invokes `handler` as the runtime does for one function URL request, and reads the response as the URL would. */
export async function invokeFunctionUrl(
  handler: unknown,
  event: FunctionUrlEvent,
  context: Partial<LambdaContext> = {},
): Promise<FunctionUrlResponse> {
  const fn = handler as AnyHandler;
  const start = performance.now();
  const ctx = lambdaContext(context);
  if (fn[STREAMING] !== "response") return buffered(await fn(event, ctx), start);

  let contentType = "application/octet-stream";
  let head = Buffer.alloc(0);
  let prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] } | null = null;
  const body: Buffer[] = [];
  const bodyChunks: { at: number; bytes: number }[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        let data = Buffer.from(chunk);
        if (contentType === PRELUDE_CONTENT_TYPE && prelude === null) {
          head = Buffer.concat([head, data]);
          const at = head.indexOf(DELIMITER);
          if (at < 0) return callback();
          prelude = JSON.parse(head.subarray(0, at).toString("utf8"));
          data = head.subarray(at + DELIMITER.length);
        }
        if (data.length > 0) {
          body.push(data);
          bodyChunks.push({ at: performance.now() - start, bytes: data.length });
        }
        callback();
      },
    }),
    {
      setContentType(type: string) {
        contentType = type;
      },
    },
  );
  const ended = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  await fn(event, stream, ctx);
  await ended;
  const endedAt = performance.now() - start;
  const meta = (prelude ?? {}) as { statusCode?: number; headers?: Record<string, string>; cookies?: string[] };
  const all = Buffer.concat(body);
  return {
    statusCode: meta.statusCode ?? 200,
    headers: lowerCased(meta.headers ?? { "content-type": contentType }),
    cookies: meta.cookies ?? [],
    body: all,
    text: all.toString("utf8"),
    bodyChunks,
    endedAt,
  };
}

function buffered(result: unknown, start: number): FunctionUrlResponse {
  const r = (result ?? {}) as {
    statusCode?: number;
    headers?: Record<string, string>;
    cookies?: string[];
    body?: string;
    isBase64Encoded?: boolean;
  };
  const body = Buffer.from(r.body ?? "", r.isBase64Encoded ? "base64" : "utf8");
  const endedAt = performance.now() - start;
  return {
    statusCode: r.statusCode ?? 200,
    headers: lowerCased(r.headers ?? {}),
    cookies: r.cookies ?? [],
    body,
    text: body.toString("utf8"),
    bodyChunks: [{ at: endedAt, bytes: body.length }],
    endedAt,
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

function lambdaContext(overrides: Partial<LambdaContext>): LambdaContext {
  const deadline = Date.now() + 30_000;
  return {
    awsRequestId: randomUUID(),
    functionName: "slipway-site-server",
    functionVersion: "1",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:slipway-site-server:1",
    memoryLimitInMB: "1024",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...overrides,
  };
}

/** A function URL request event (payload format 2.0), as Lambda builds it from an HTTP request. */
export interface FunctionUrlEvent {
  version: "2.0";
  routeKey: "$default";
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: "$default";
    stage: "$default";
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

const URL_ID = "abcdefghijklmnopqrstuvwxyz012345";

/**
 * As a function URL shapes it: header names lower-cased, repeated ones joined with commas,
 * `Cookie` moved to `cookies`, repeated query keys joined with commas in
 * `queryStringParameters`, a body always base64 (any content type may be binary here).
 */
export function functionUrlEvent(request: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}): FunctionUrlEvent {
  const method = request.method ?? "GET";
  const q = request.path.indexOf("?");
  const rawPath = q < 0 ? request.path : request.path.slice(0, q);
  const rawQueryString = q < 0 ? "" : request.path.slice(q + 1);
  const domainName = `${URL_ID}.lambda-url.us-east-1.on.aws`;
  const headers: Record<string, string> = { host: domainName, "x-forwarded-proto": "https" };
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() === "cookie") cookies = value.split(";").map((c) => c.trim());
    else headers[name.toLowerCase()] = value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  }
  const now = Date.now();
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: "anonymous",
      apiId: URL_ID,
      domainName,
      domainPrefix: URL_ID,
      http: {
        method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: headers["user-agent"] ?? "slipway-test",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body ? { body: body.toString("base64") } : {}),
    isBase64Encoded: body !== undefined,
  };
}
