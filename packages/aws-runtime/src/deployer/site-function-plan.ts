import { promises as fs } from "node:fs";
import path from "node:path";
import type { CreateFunctionCommandInput } from "@aws-sdk/client-lambda";
import type { DeploymentManifest } from "@slipway/core";
import { SITE_TAG } from "../cost/tags.ts";
import {
  IMAGE_ENTRY_FILE,
  IMAGE_ENTRY_HANDLER,
  SERVER_ENTRY_FILE,
  SERVER_ENTRY_HANDLER,
} from "../server-function/entry-env.ts";
import { codeKey, type SiteFunctionKey, type SiteFunctionKind, siteFunctionName } from "./names.ts";
import { StepFailure } from "./step.ts";

/** One Lambda function of a deployment: which bundle of the artifact, run by which Slipway entry. */
export interface SiteFunction {
  readonly role: SiteFunctionKind;
  /** Names the Lambda function and its code zip: the role, or `edge<n>` for an edge route. */
  readonly key: SiteFunctionKey;
  /** For people and errors: `server`, `image`, `edge route /og`. */
  readonly label: string;
  readonly name: string;
  /** The bundle's folder in the artifact (OpenNext's output). */
  readonly dir: string;
  /** Slipway's entry file put beside OpenNext's `index.mjs`, and its handler. */
  readonly file: string;
  readonly handler: string;
  readonly invokeMode: "RESPONSE_STREAM" | "BUFFERED";
  readonly memory: number;
  /** An edge route's paths as the build named them (`/hello/[name]`): what the edge routes to it. */
  readonly paths: readonly string[];
}

/**
 * The server function, the image function when the build has an image bundle, and one function
 * per edge-runtime route. An edge route gets its own function rather than a path inside the
 * server's: OpenNext bundles each edge route apart, with its own runtime globals, assets and
 * WebAssembly read from the bundle's folder as cwd (packages/runtime/opennext/overrides/
 * edge-wrapper.ts), so two bundles cannot share one Lambda; and it is what the local target does
 * (one worker per routed function). The edge stays the same size: the viewer-request function
 * routes the paths by the deployment's KVS value, no distribution, behaviour or cache policy.
 */
export function planSiteFunctions(
  manifest: DeploymentManifest,
  ids: { readonly siteId: string; readonly deploymentId: string },
  memoryMb: { readonly server: number; readonly image: number },
): SiteFunction[] {
  const name = (key: SiteFunctionKey) => siteFunctionName(ids.siteId, ids.deploymentId, key);
  // OpenNext's index.mjs stays as built; Lambda runs Slipway's entry, which wraps it.
  const functions: SiteFunction[] = [
    {
      role: "server",
      name: name("server"),
      dir: manifest.server.dir,
      file: SERVER_ENTRY_FILE,
      handler: SERVER_ENTRY_HANDLER,
      invokeMode: "RESPONSE_STREAM",
      memory: memoryMb.server,
      key: "server",
      label: "server",
      paths: [],
    },
  ];
  if (manifest.image) {
    functions.push({
      role: "image",
      name: name("image"),
      dir: manifest.image.dir,
      file: IMAGE_ENTRY_FILE,
      handler: IMAGE_ENTRY_HANDLER,
      invokeMode: "BUFFERED",
      memory: memoryMb.image,
      key: "image",
      label: "image",
      paths: [],
    });
  }
  for (const [index, fn] of manifest.functions.entries()) {
    const key = `edge${index}` as const;
    functions.push({
      role: "edge",
      key,
      label: `edge route ${fn.paths.join(", ")} (${fn.name})`,
      name: name(key),
      dir: fn.dir,
      // The server entry: origin secret, the deployment's sealed environment (edge code reads
      // process.env too), request log; OpenNext's edge bundle streams as the server's does.
      file: SERVER_ENTRY_FILE,
      handler: SERVER_ENTRY_HANDLER,
      invokeMode: "RESPONSE_STREAM",
      memory: memoryMb.server,
      paths: fn.paths,
    });
  }
  return functions;
}

/**
 * Puts a Slipway entry beside OpenNext's `index.mjs` (which it imports as `./index.mjs`). Whatever
 * the artifact had at that name goes first: the build output is untrusted, and copying onto a
 * link it planted would write through the link.
 */
export async function addEntry(entriesDir: string, file: string, functionDir: string): Promise<void> {
  const openNext = await fs.lstat(path.join(functionDir, "index.mjs")).catch(() => null);
  if (!openNext?.isFile()) throw new StepFailure(`the function folder ${path.basename(functionDir)} has no index.mjs`);
  const target = path.join(functionDir, file);
  await fs.rm(target, { recursive: true, force: true });
  await fs.copyFile(path.join(entriesDir, file), target);
}

export interface SiteFunctionConfig {
  readonly siteId: string;
  readonly deploymentId: string;
  readonly codeBucket: string;
  readonly executionRoleArn: string;
  readonly timeoutSeconds: number;
  readonly env: Record<string, string>;
  /** The site's log group (names.ts siteLogGroupName), made before its first function. */
  readonly logGroup: string;
}

/** What CreateFunction gets for one site function (its code already uploaded under codeKey). */
export function createFunctionInput(fn: SiteFunction, config: SiteFunctionConfig): CreateFunctionCommandInput {
  return {
    FunctionName: fn.name,
    Runtime: "nodejs22.x",
    // The builder builds on x86_64 (sharp's native binary is for it).
    Architectures: ["x86_64"],
    Role: config.executionRoleArn,
    Handler: fn.handler,
    Code: { S3Bucket: config.codeBucket, S3Key: codeKey(config.deploymentId, fn.key) },
    MemorySize: fn.memory,
    Timeout: config.timeoutSeconds,
    Environment: { Variables: config.env },
    // Text: the entry's request line reaches the log as written (request-log.ts).
    LoggingConfig: { LogGroup: config.logGroup, LogFormat: "Text" },
    Tags: { [SITE_TAG]: config.siteId, "slipway:deployment": config.deploymentId },
    // Lambda's limit is 256 characters; an edge route's paths come from the build.
    Description: `Slipway ${fn.label} of deployment ${config.deploymentId} (site ${config.siteId})`.slice(0, 256),
  };
}
