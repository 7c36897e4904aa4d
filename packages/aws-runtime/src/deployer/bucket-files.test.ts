import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, expect, it } from "vitest";
import { uploadFolder } from "./bucket-files.ts";

const s3 = mockClient(S3Client);
let dir: string;

beforeEach(async () => {
  s3.reset();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-upload-folder-"));
  await fs.mkdir(path.join(dir, "_next/static"), { recursive: true });
  for (let i = 0; i < 20; i++) await fs.writeFile(path.join(dir, `_next/static/${i}.js`), `chunk ${i}`);
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

const upload = () => uploadFolder({ client: new S3Client({}), bucket: "assets", prefix: "dpl_1", dir });

it("uploads every file under the prefix, each as a buffer the SDK can send again", async () => {
  s3.on(PutObjectCommand).resolves({});
  expect(await upload()).toBe(20);
  const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
  expect(puts.map((p) => p.Key)).toContain("dpl_1/_next/static/7.js");
  expect(puts.every((p) => Buffer.isBuffer(p.Body))).toBe(true);
});

it("on a failed upload starts no more, waits for those under way, and names the file", async () => {
  let inFlight = 0;
  let settledAfterReject = false;
  s3.on(PutObjectCommand).callsFake(async (input: { Key: string }) => {
    inFlight++;
    try {
      if (input.Key.endsWith("/3.js"))
        throw Object.assign(new Error("We encountered an internal error"), { name: "InternalError" });
      await new Promise((resolve) => setTimeout(resolve, 30));
      return {};
    } finally {
      inFlight--;
    }
  });
  const result = upload().finally(() => {
    settledAfterReject = inFlight === 0;
  });
  await expect(result).rejects.toThrow(/uploading _next\/static\/3\.js to s3:\/\/assets\/dpl_1\/: InternalError/);
  expect(settledAfterReject).toBe(true);
  expect(s3.commandCalls(PutObjectCommand).length).toBeLessThan(20);
});
