import type { ServerResponse } from "node:http";
import type { Writable } from "node:stream";

export function installLambdaShim(): void;
export function createResponseSink(
  res: ServerResponse,
): Writable & { readonly started: boolean; readonly touched: boolean };
export function writeBufferedResult(res: ServerResponse, result: unknown): void;
