import { isSlipwayError, SlipwayError } from "@slipway/core/errors";

/** Where the control plane goes: a region, and the AWS CLI profile whose credentials deploy it. */
export interface AwsTarget {
  readonly region: string;
  /** @default - the AWS CLI's usual chain (AWS_PROFILE, environment variables, `default`) */
  readonly profile?: string;
}

export function describeTarget(target: AwsTarget): string {
  return `${target.profile ? `profile ${target.profile}` : "the default AWS credentials"} in ${target.region}`;
}

/** Error names the SDK and the toolkit give missing, expired or refused credentials. */
const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "AuthenticationError",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "AccessDeniedException",
  "AccessDenied",
  "InvalidSignatureException",
]);
const UNREACHABLE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET"]);

/**
 * What went wrong with AWS, as a SlipwayError naming the profile and region: credentials that
 * are missing, expired or not allowed, and a region that cannot be reached. Anything else is
 * returned as it was (a failed deployment carries CloudFormation's own reason).
 */
export function awsErrorFor(error: unknown, target: AwsTarget): unknown {
  if (isSlipwayError(error) || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const causeCode = (error as { cause?: { code?: unknown } }).cause?.code;
  const where = describeTarget(target);
  const text = `${error.name} ${error.message}`;
  if (
    CREDENTIAL_ERRORS.has(error.name) ||
    /credential|security token|not authorized|AccessDenied|resolve AWS account/i.test(text)
  ) {
    const denied = /not authorized|AccessDenied/i.test(text);
    return new SlipwayError(
      "AWS_CREDENTIALS",
      `AWS refused ${where}: ${error.message}`,
      denied
        ? "The identity lacks a permission the deploy needs: docs/aws.md lists them (the deploying user's policy)."
        : `Check the profile (\`aws sts get-caller-identity${target.profile ? ` --profile ${target.profile}` : ""}\`), or log in again (\`aws sso login\`).`,
    );
  }
  if (UNREACHABLE_CODES.has(String(code)) || UNREACHABLE_CODES.has(String(causeCode))) {
    return new SlipwayError(
      "AWS_UNREACHABLE",
      `AWS cannot be reached for ${where}: ${error.message}`,
      "Check the region name and your network; the region must be enabled for the account.",
    );
  }
  return error;
}
