import type { Readable } from "node:stream";
import type { BlobStore } from "@slipway/core";
import { putObject } from "./presigned-http.ts";

/**
 * The local pipeline stores its artifact through a BlobStore; in CodeBuild the only write the
 * build may make is one PUT to its presigned URL, for exactly its own key. Anything else is a
 * fault (the pipeline reads nothing back). The tar is buffered: a presigned PUT needs its length.
 */
export function presignedArtifactStore(key: string, url: string): BlobStore {
  const refuse = (what: string) => async () => {
    throw new Error(`the CodeBuild builder can only upload its artifact (${key}), not ${what}`);
  };
  return {
    name: "presigned-artifact",
    async put(target: string, body: Readable | Buffer) {
      if (target !== key) throw new Error(`the build may upload only ${key}, not ${target}`);
      const chunks: Buffer[] = [];
      if (Buffer.isBuffer(body)) chunks.push(body);
      else for await (const chunk of body) chunks.push(Buffer.from(chunk));
      const bytes = Buffer.concat(chunks);
      await putObject(url, bytes, "application/x-tar");
      return { size: bytes.length };
    },
    get: refuse("reading"),
    head: refuse("reading"),
    delete: refuse("deleting"),
    list: refuse("listing"),
  };
}
