import type { LambdaClient } from "@aws-sdk/client-lambda";
import {
  ensureAlias,
  ensurePublicUrlPermissions,
  ensureUrl,
  ensureVersion,
  type WaitBounds,
  waitActive,
} from "./lambda-steps.ts";
import type { SiteFunction } from "./site-function-plan.ts";
import { step } from "./step.ts";

/**
 * Publishes a created function behind the alias `live` with its public URL (which only
 * CloudFront's secret header gets past, in the entry); returns the URL. Each step is idempotent.
 */
export async function publishLive(lambda: LambdaClient, fn: SiteFunction, wait: WaitBounds): Promise<string> {
  await step(`waiting for ${fn.name} to be Active`, () => waitActive(lambda, fn.name, wait));
  const version = await step(`PublishVersion ${fn.name}`, () => ensureVersion(lambda, fn.name, wait));
  await step(`CreateAlias ${fn.name}:live`, () => ensureAlias(lambda, fn.name, version));
  const url = await step(`CreateFunctionUrlConfig ${fn.name}:live`, () => ensureUrl(lambda, fn.name, fn.invokeMode));
  await step(`AddPermission ${fn.name}:live`, () => ensurePublicUrlPermissions(lambda, fn.name));
  return url;
}
