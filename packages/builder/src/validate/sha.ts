import { SlipwayError } from "@slipway/core";

/** Builds are pinned to a full commit id: a branch name or short sha could move under us. */
export function validateSha(sha: string): string {
  if (!/^[0-9a-f]{40}$/.test(sha)) {
    throw new SlipwayError(
      "INVALID_REF",
      `Commit "${sha}" is not a full 40-character lowercase hex sha`,
      "Pass the full commit id, e.g. from `git rev-parse HEAD`.",
    );
  }
  return sha;
}
