import type { Readable } from "node:stream";

/** Artifacts and archives (filesystem locally, S3 on AWS). Keys are `/`-separated, no `..`. */
export interface BlobStore {
  readonly name: string;
  put(key: string, body: Readable | Buffer): Promise<{ size: number }>;
  /** Null when the key does not exist. */
  get(key: string): Promise<Readable | null>;
  head(key: string): Promise<{ size: number } | null>;
  /** Returns false when there was nothing to delete. */
  delete(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
}
