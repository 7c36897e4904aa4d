import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  type LambdaClient,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  waitUntilFunctionActiveV2,
  waitUntilPublishedVersionActive,
} from "@aws-sdk/client-lambda";
import { LIVE_ALIAS } from "./names.ts";

// Each step is idempotent: it looks first or treats "already exists" as done, so a redelivered
// activation reuses the function, version, alias, URL and permissions an earlier attempt made.

const errorName = (error: unknown) => (error as { name?: string } | null)?.name;
export const isNotFound = (error: unknown) => errorName(error) === "ResourceNotFoundException";
const isConflict = (error: unknown) => errorName(error) === "ResourceConflictException";

/** Bounds on the SDK waiters: a function stuck in Pending fails the activation instead of hanging it. */
export interface WaitBounds {
  readonly maxWaitSeconds: number;
  readonly minDelaySeconds: number;
}

function waiterConfig(lambda: LambdaClient, bounds: WaitBounds) {
  // The SDK's own maxDelay (300 s, 1560 s) would sleep past our bound: cap each sleep too.
  const maxDelay = Math.max(bounds.minDelaySeconds, Math.min(20, bounds.maxWaitSeconds));
  return { client: lambda, maxWaitTime: bounds.maxWaitSeconds, minDelay: bounds.minDelaySeconds, maxDelay };
}

async function ignoring<T>(accept: (error: unknown) => boolean, run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch (error) {
    if (accept(error)) return null;
    throw error;
  }
}

export async function functionExists(lambda: LambdaClient, name: string): Promise<boolean> {
  return (await ignoring(isNotFound, () => lambda.send(new GetFunctionCommand({ FunctionName: name })))) !== null;
}

/** Creates the function; a concurrent attempt that created it first is as good. */
export async function createFunction(lambda: LambdaClient, input: CreateFunctionCommandInput): Promise<void> {
  await ignoring(isConflict, () => lambda.send(new CreateFunctionCommand(input)));
}

export async function waitActive(lambda: LambdaClient, name: string, bounds: WaitBounds): Promise<void> {
  await waitUntilFunctionActiveV2(waiterConfig(lambda, bounds), { FunctionName: name });
}

/** The function's one published version: the existing one on a retry, else a new one (waited until Active). */
export async function ensureVersion(lambda: LambdaClient, name: string, bounds: WaitBounds): Promise<string> {
  const listed = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  let version = listed.Versions?.find((v) => v.Version && v.Version !== "$LATEST")?.Version;
  // Lambda publishes no second version of unchanged code and configuration: a racing retry gets this one.
  version ??= (await lambda.send(new PublishVersionCommand({ FunctionName: name }))).Version;
  if (!version) throw new Error(`PublishVersion of ${name} returned no version`);
  await waitUntilPublishedVersionActive(waiterConfig(lambda, bounds), { FunctionName: name, Qualifier: version });
  return version;
}

export async function ensureAlias(lambda: LambdaClient, name: string, version: string): Promise<void> {
  const found = await ignoring(isNotFound, () =>
    lambda.send(new GetAliasCommand({ FunctionName: name, Name: LIVE_ALIAS })),
  );
  if (found) return;
  await ignoring(isConflict, () =>
    lambda.send(new CreateAliasCommand({ FunctionName: name, Name: LIVE_ALIAS, FunctionVersion: version })),
  );
}

/**
 * The alias's public URL (it never changes once made, so CloudFront can keep pointing at it).
 * `RESPONSE_STREAM` for a streaming handler (the server entry), `BUFFERED` for one that returns
 * its whole response (the image entry): a streaming URL would send that result as the body.
 */
export async function ensureUrl(
  lambda: LambdaClient,
  name: string,
  invokeMode: "RESPONSE_STREAM" | "BUFFERED",
): Promise<string> {
  const get = () =>
    ignoring(isNotFound, () =>
      lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name, Qualifier: LIVE_ALIAS })),
    );
  const existing = await get();
  if (existing?.FunctionUrl) return existing.FunctionUrl;
  const created = await ignoring(isConflict, () =>
    lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: name,
        Qualifier: LIVE_ALIAS,
        AuthType: "NONE",
        InvokeMode: invokeMode,
      }),
    ),
  );
  const url = created?.FunctionUrl ?? (await get())?.FunctionUrl;
  if (!url) throw new Error(`no function URL for ${name}:${LIVE_ALIAS}`);
  return url;
}

export const URL_PERMISSION_ID = "slipway-public-url";
export const INVOKE_PERMISSION_ID = "slipway-public-url-invoke";

/**
 * A public (AuthType NONE) URL answers 403 without both statements since 2025-10: the URL one and
 * lambda:InvokeFunction limited to calls through the URL. A statement already there is a conflict: done.
 */
export async function ensurePublicUrlPermissions(lambda: LambdaClient, name: string): Promise<void> {
  await ignoring(isConflict, () =>
    lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        Qualifier: LIVE_ALIAS,
        StatementId: URL_PERMISSION_ID,
        Action: "lambda:InvokeFunctionUrl",
        Principal: "*",
        FunctionUrlAuthType: "NONE",
      }),
    ),
  );
  await ignoring(isConflict, () =>
    lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        Qualifier: LIVE_ALIAS,
        StatementId: INVOKE_PERMISSION_ID,
        Action: "lambda:InvokeFunction",
        Principal: "*",
        InvokedViaFunctionUrl: true,
      }),
    ),
  );
}

/** Removes the URL, then the function with every version, alias and permission. Absent parts are fine. */
export async function deleteFunction(lambda: LambdaClient, name: string): Promise<void> {
  await ignoring(isNotFound, () =>
    lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name, Qualifier: LIVE_ALIAS })),
  );
  await ignoring(isNotFound, () => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
}
