import { DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from "@aws-sdk/client-s3";
import { SlipwayError } from "@slipway/core/errors";

/**
 * Deletes every object version and delete marker in a (versioned) bucket, a page of at most
 * 1,000 at a time, because CloudFormation deletes only empty buckets. Returns how many went.
 */
export async function emptyBucket(client: S3Client, bucket: string): Promise<number> {
  let deleted = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap((v) =>
      v.Key ? [{ Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }] : [],
    );
    if (objects.length > 0) {
      const result = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        throw new SlipwayError(
          "INTERNAL",
          `S3 would not delete ${failed.length} objects of ${bucket}, e.g. ${failed[0]?.Key}: ${failed[0]?.Message}.`,
          "Check the bucket's policy and object lock, then run the destroy again.",
        );
      }
      deleted += objects.length;
    }
    if (!page.IsTruncated) return deleted;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
