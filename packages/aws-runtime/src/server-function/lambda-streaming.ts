import type { Writable } from "node:stream";

/**
 * The Lambda Node.js runtime's response streaming API (the `awslambda` global it installs). A
 * streamed handler is `(event, responseStream, context)`; `HttpResponseStream.from` writes the
 * function URL's prelude (status, headers, cookies as JSON) and 8 NUL bytes before the body.
 */
export interface ResponseStream extends Writable {
  setContentType(type: string): void;
}

export type StreamingHandler = (event: unknown, responseStream: ResponseStream, context: unknown) => Promise<unknown>;

export interface AwsLambdaGlobal {
  streamifyResponse(handler: StreamingHandler): StreamingHandler;
  HttpResponseStream: {
    from(
      stream: ResponseStream,
      prelude: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] },
    ): ResponseStream;
  };
}

export function awslambda(): AwsLambdaGlobal {
  const runtime = (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda;
  if (!runtime) throw new Error("globalThis.awslambda is missing: this entry runs only in the Lambda Node.js runtime");
  return runtime;
}
