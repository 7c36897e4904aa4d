import { GetAccountSettingsCommand, type LambdaClient } from "@aws-sdk/client-lambda";

const GB = 1024 ** 3;
const fmt = (bytes: number) => `${(bytes / GB).toFixed(2)} GB`;

/**
 * Whether the account's Lambda code storage (75 GB per region by default; every published version
 * counts) can take `newBytes` more and stay under `share` of its limit, and whether each function
 * fits the account's unzipped-size limit. The reason names what to lower: retention is what frees
 * storage (each retired deployment's functions are deleted with all their versions).
 */
export async function checkCodeStorage(
  lambda: LambdaClient,
  input: { newZippedBytes: number; largestUnzippedBytes: number; share: number },
): Promise<string | null> {
  const settings = await lambda.send(new GetAccountSettingsCommand({}));
  const limit = settings.AccountLimit?.TotalCodeSize;
  const used = settings.AccountUsage?.TotalCodeSize ?? 0;
  const unzippedLimit = settings.AccountLimit?.CodeSizeUnzipped;
  if (unzippedLimit !== undefined && input.largestUnzippedBytes > unzippedLimit) {
    return (
      `a function of this deployment is ${fmt(input.largestUnzippedBytes)} unzipped, over the account's ` +
      `CodeSizeUnzipped limit of ${fmt(unzippedLimit)}`
    );
  }
  if (limit === undefined) return null;
  const after = used + input.newZippedBytes;
  if (after <= limit * input.share) return null;
  return (
    `Lambda code storage would reach ${fmt(after)} of ${fmt(limit)} (${Math.round((after / limit) * 100)}%), ` +
    `past the ${Math.round(input.share * 100)}% Slipway keeps free of it; keep fewer old deployments ` +
    "(lower the deployment retention, retainDeployments) or remove stale preview branches, or raise the quota"
  );
}
