import type { Readable, Writable } from "node:stream";
import type { ApiClient } from "./client.ts";

/** What a command may touch; tests pass their own streams and environment. */
export interface CommandContext {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  json: boolean;
  /** Created on first use, so commands that need no API (up, help) need no token. */
  api(): Promise<ApiClient>;
  print(line: string): void;
  printJson(value: unknown): void;
}
