export interface ApiGatewayV2Event {
  version: "2.0";
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    domainName: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    timeEpoch: number;
    [key: string]: unknown;
  };
  body?: string;
  isBase64Encoded: boolean;
}

export function toApiGatewayV2Event(req: {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string;
  body: Buffer;
  requestId: string;
  now?: number;
}): ApiGatewayV2Event;
