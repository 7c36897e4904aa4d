import { Transform } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { FunctionZip } from "./function-zip.ts";

/** Streams a function's zip to S3 (multipart when large); returns the zipped bytes sent. */
export async function uploadZip(s3: S3Client, bucket: string, key: string, zip: FunctionZip): Promise<number> {
  let bytes = 0;
  // Counted on the way through (a "data" listener on the zip itself would start it flowing early).
  const counted = zip.stream.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
  );
  zip.stream.once("error", (error) => counted.destroy(error));
  await new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: counted, ContentType: "application/zip" },
    leavePartsOnError: false,
  }).done();
  return bytes;
}
