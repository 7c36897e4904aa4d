import {
  CloudFrontKeyValueStoreClient,
  ConflictException,
  DeleteKeyCommand,
  DescribeKeyValueStoreCommand,
  PutKeyCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createKvsEdgeRouteTable } from "./kvs-route-table.ts";
import { createMemoryEdgeRouteTable } from "./memory-route-table.ts";
import { runEdgeRouteTableContract, sampleOrigins } from "./route-table.contract.ts";

const KVS_ARN = "arn:aws:cloudfront::123456789012:key-value-store/0f8e6a3c-0000-4000-8000-000000000000";
const kvsMock = mockClient(CloudFrontKeyValueStoreClient);
afterEach(() => kvsMock.reset());

/**
 * The KeyValueStore as the API documents it: every write names the store's ETag (IfMatch) and
 * fails with ConflictException when another write came first; deleting an absent key is
 * ResourceNotFoundException. `otherWriter()` is a write from another function, in between.
 */
function modelKeyValueStore() {
  const entries = new Map<string, string>();
  let version = 1;
  const etag = () => `ETAG${version}`;
  const conflict = () => new ConflictException({ message: "ETag mismatch", $metadata: {} });
  const ifCurrent = (ifMatch: string | undefined) => {
    if (ifMatch !== etag()) throw conflict();
  };
  kvsMock
    .on(DescribeKeyValueStoreCommand)
    .callsFake(async () => ({ ETag: etag(), KvsARN: KVS_ARN, ItemCount: entries.size }));
  kvsMock.on(PutKeyCommand).callsFake(async (input) => {
    ifCurrent(input.IfMatch);
    entries.set(input.Key, input.Value);
    version += 1;
    return { ETag: etag(), ItemCount: entries.size, TotalSizeInBytes: 0 };
  });
  kvsMock.on(DeleteKeyCommand).callsFake(async (input) => {
    ifCurrent(input.IfMatch);
    if (!entries.delete(input.Key)) {
      throw new ResourceNotFoundException({ message: `Key ${input.Key} not found`, $metadata: {} });
    }
    version += 1;
    return { ETag: etag(), ItemCount: entries.size, TotalSizeInBytes: 0 };
  });
  return {
    entries,
    otherWriter: () => {
      version += 1;
    },
  };
}

runEdgeRouteTableContract({
  name: "memory",
  create: async () => {
    const table = createMemoryEdgeRouteTable();
    return { table, entries: async () => table.entries };
  },
});

runEdgeRouteTableContract({
  name: "cloudfront-keyvaluestore (modelled with aws-sdk-client-mock)",
  create: async () => {
    kvsMock.reset();
    const store = modelKeyValueStore();
    return { table: createKvsEdgeRouteTable({ kvsArn: KVS_ARN, client: {} }), entries: async () => store.entries };
  },
});

describe("EdgeRouteTable on a KeyValueStore", () => {
  it("keeps the ETag between writes and refetches it only after another writer got in first", async () => {
    const store = modelKeyValueStore();
    const table = createKvsEdgeRouteTable({ kvsArn: KVS_ARN, client: {} });
    await table.putDeployment("dep0000001", sampleOrigins("dep0000001"));
    await table.putHost("shop.example.com", { deploymentId: "dep0000001" });
    expect(kvsMock.commandCalls(DescribeKeyValueStoreCommand)).toHaveLength(1);

    store.otherWriter();
    await table.putHost("shop.example.com", { deploymentId: "dep0000002" });
    expect(kvsMock.commandCalls(DescribeKeyValueStoreCommand)).toHaveLength(2);
    expect(kvsMock.commandCalls(PutKeyCommand)).toHaveLength(4); // the lost race, then the retry
    expect(store.entries.get("h:shop.example.com")).toBe('{"d":"dep0000002"}');
  });

  it("gives up with the ConflictException after its attempts when the store never settles", async () => {
    const store = modelKeyValueStore();
    kvsMock.on(DescribeKeyValueStoreCommand).callsFake(async () => {
      const etag = "stale";
      store.otherWriter();
      return { ETag: etag };
    });
    const table = createKvsEdgeRouteTable({ kvsArn: KVS_ARN, client: {}, attempts: 3 });
    await expect(table.putHost("shop.example.com", { deploymentId: "dep0000001" })).rejects.toBeInstanceOf(
      ConflictException,
    );
    expect(kvsMock.commandCalls(PutKeyCommand)).toHaveLength(3);
  });

  it("a missing store is an error, not an already-deleted key", async () => {
    kvsMock
      .on(DescribeKeyValueStoreCommand)
      .rejects(new ResourceNotFoundException({ message: "no such store", $metadata: {} }));
    const table = createKvsEdgeRouteTable({ kvsArn: KVS_ARN, client: {} });
    await expect(table.deleteHost("shop.example.com")).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("signs requests with SigV4A, which the global store requires", async () => {
    kvsMock.restore();
    let authorization = "";
    const table = createKvsEdgeRouteTable({
      kvsArn: KVS_ARN,
      client: {
        region: "eu-west-1",
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
        requestHandler: {
          handle: async (request: { headers: Record<string, string> }) => {
            authorization = request.headers.authorization ?? "";
            throw new Error("request captured");
          },
        },
      },
    });
    await expect(table.putHost("shop.example.com", { deploymentId: "dep0000001" })).rejects.toThrow("request captured");
    expect(authorization).toMatch(/^AWS4-ECDSA-P256-SHA256 /);
  });
});
