// The revalidator's entry (bundled to revalidator/index.mjs): the sites' FIFO revalidation queues.
import { createDynamoStore } from "../../dynamodb/store.ts";
import { createRevalidationHandler } from "../../revalidation/revalidator.ts";
import { createS3BlobStore } from "../../s3/blob-store.ts";
import { parseControlPlaneEnv } from "../env.ts";

const config = parseControlPlaneEnv(process.env, "revalidator");

export const handler = createRevalidationHandler({
  aliases: createDynamoStore({ tableName: config.tableName, client: {} }).aliases,
  blobs: createS3BlobStore({ bucket: config.artifactsBucket, client: {} }),
});
