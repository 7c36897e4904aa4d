// CloudFront KeyValueStore requests are signed with SigV4A (the store is global); the SDK finds
// this pure-JS signer once it is imported, as the SDK's README says (no native CRT needed).
import "@aws-sdk/signature-v4a";
import {
  CloudFrontKeyValueStoreClient,
  type CloudFrontKeyValueStoreClientConfig,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  PutKeyCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { deploymentKey, encodeDeploymentOrigins, encodeHostTarget, hostKey } from "./route-encoding.ts";
import type { EdgeRouteTable } from "./route-table.ts";

export interface KvsEdgeRouteTableOptions {
  /** The KeyValueStore associated with the viewer-request function. */
  readonly kvsArn: string;
  /** The SDK client's config (region and credentials; `{}` on Lambda). */
  readonly client: CloudFrontKeyValueStoreClientConfig;
  /**
   * Writes that lose the ETag race this many times in a row fail (each loss refetches the ETag).
   * @default 8
   */
  readonly attempts?: number;
}

const errorName = (error: unknown) => (error as { name?: string } | null)?.name ?? "";

/**
 * The route table on a CloudFront KeyValueStore. Every write names the store's current ETag
 * (`IfMatch`), as the API requires; the ETag is kept between writes and refetched
 * (`DescribeKeyValueStore`) when a write from another function got in first (`ConflictException`).
 */
export function createKvsEdgeRouteTable(options: KvsEdgeRouteTableOptions): EdgeRouteTable {
  const client = new CloudFrontKeyValueStoreClient(options.client);
  const KvsARN = options.kvsArn;
  const attempts = options.attempts ?? 8;
  let etag: string | undefined;

  const currentEtag = async () => {
    const { ETag } = await client.send(new DescribeKeyValueStoreCommand({ KvsARN }));
    if (!ETag) throw new Error(`DescribeKeyValueStore of ${KvsARN} returned no ETag`);
    return ETag;
  };

  /** Runs one conditional write, refetching the ETag after each lost race; with `absentIsDone` a missing key is success. */
  const write = async (send: (ifMatch: string) => Promise<string | undefined>, absentIsDone: boolean) => {
    for (let attempt = 1; ; attempt++) {
      etag ??= await currentEtag();
      try {
        etag = (await send(etag)) ?? undefined;
        return;
      } catch (error) {
        const name = errorName(error);
        // The store exists (its ETag was just read), so "not found" is the key: already deleted.
        if (absentIsDone && name === "ResourceNotFoundException") return;
        if (name !== "ConflictException" || attempt >= attempts) throw error;
        etag = undefined;
      }
    }
  };

  const put = (Key: string, Value: string) =>
    write(async (IfMatch) => (await client.send(new PutKeyCommand({ KvsARN, Key, Value, IfMatch }))).ETag, false);
  const remove = (Key: string) =>
    write(async (IfMatch) => (await client.send(new DeleteKeyCommand({ KvsARN, Key, IfMatch }))).ETag, true);

  // async: a refused key or value is a rejected promise, as from any other adapter.
  return {
    putDeployment: async (deploymentId, origins) =>
      put(deploymentKey(deploymentId), encodeDeploymentOrigins(deploymentId, origins)),
    deleteDeployment: async (deploymentId) => remove(deploymentKey(deploymentId)),
    putHost: async (hostname, target) => put(hostKey(hostname), encodeHostTarget(hostname, target)),
    deleteHost: async (hostname) => remove(hostKey(hostname)),
  };
}
