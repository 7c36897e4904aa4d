import path from "node:path";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { S3Client } from "@aws-sdk/client-s3";
import { checkCodeStorage } from "./code-storage.ts";
import { planFunctionZip } from "./function-zip.ts";
import { functionExists } from "./lambda-steps.ts";
import { codeKey } from "./names.ts";
import { addEntry, type SiteFunction } from "./site-function-plan.ts";
import { StepFailure, step } from "./step.ts";
import { uploadZip } from "./upload-zip.ts";

export interface StageCodeInput {
  readonly lambda: LambdaClient;
  readonly s3: S3Client;
  readonly codeBucket: string;
  readonly deploymentId: string;
  /** Where the artifact is unpacked (the functions' `dir` are relative to it). */
  readonly artifactDir: string;
  readonly siteEntriesDir: string;
  /** Share of the account's Lambda code storage Slipway may fill. */
  readonly share: number;
}

/**
 * Zips and uploads the code of the functions that do not exist yet (a redelivery reuses the ones
 * it made), then checks the account's code storage can take them. Returns the functions to create.
 */
export async function stageMissingCode(input: StageCodeInput, functions: SiteFunction[]): Promise<SiteFunction[]> {
  const missing: SiteFunction[] = [];
  for (const fn of functions) {
    if (!(await step(`GetFunction ${fn.name}`, () => functionExists(input.lambda, fn.name)))) missing.push(fn);
  }
  let zippedBytes = 0;
  let largestUnzipped = 0;
  for (const fn of missing) {
    const dir = path.join(input.artifactDir, fn.dir);
    await step(`adding ${fn.file} to the ${fn.label} code`, () => addEntry(input.siteEntriesDir, fn.file, dir));
    const plan = await planFunctionZip(dir, fn.label);
    if (!plan.ok) throw new StepFailure(plan.reason);
    const zip = plan.zip();
    largestUnzipped = Math.max(largestUnzipped, zip.unzippedBytes);
    zippedBytes += await step(`uploading the ${fn.label} code`, () =>
      uploadZip(input.s3, input.codeBucket, codeKey(input.deploymentId, fn.key), zip),
    );
  }
  if (missing.length > 0) {
    const refused = await step("GetAccountSettings", () =>
      checkCodeStorage(input.lambda, {
        newZippedBytes: zippedBytes,
        largestUnzippedBytes: largestUnzipped,
        share: input.share,
      }),
    );
    if (refused) throw new StepFailure(refused);
  }
  return missing;
}
