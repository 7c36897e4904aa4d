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
  /**
   * A URL that lets whoever holds it PUT one object at `key` directly, without passing through the
   * process (S3's presigned PUT: an upload larger than API Gateway's 10 MB or Lambda's 6 MB request
   * goes straight to the bucket). Absent where the process itself is the only way in (filesystem,
   * memory). The PUT must send `headers` as they are.
   */
  uploadUrl?(key: string, options: { expiresInSeconds: number }): Promise<BlobUploadUrl>;
}

export interface BlobUploadUrl {
  url: string;
  headers: Record<string, string>;
}
