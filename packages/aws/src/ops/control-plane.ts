import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BootstrapEnvironments, type ICloudAssemblySource, StackSelectionStrategy } from "@aws-cdk/toolkit-lib";
import { SlipwayError } from "@slipway/core/errors";
import { bundleDirsIn, writeUnbundledEntries } from "../bundles.ts";
import type { SlipwayEdgeOptions } from "../stack.ts";
import { createApp, STACK_NAME } from "../synth.ts";
import { type ChangeSummary, summarizeChanges, type TemplateDiffLike } from "./change-summary.ts";
import type { ControlPlaneToolkit } from "./toolkit.ts";

/** What the stack is synthesized with, in-process, when the toolkit asks for it. */
export interface ControlPlaneSource {
  /**
   * The aws-runtime bundles (`api/`, `steps/`, `outbox/`, `builder/`), checked before any call.
   * Only a removal goes without: its stack is deleted, so entries that refuse to run will do.
   */
  readonly bundlesDir?: string;
  /** `SLIPWAY_SITES_DOMAIN`. */
  readonly sitesDomain?: string;
  /** @default true */
  readonly retainData?: boolean;
  /**
   * The edge, as the stack was deployed with it. A removal that deletes data redeploys the stack
   * first: without the same edge that redeploy would take the edge out of the stack (its retained
   * buckets left behind, full).
   * @default - no edge
   */
  readonly edge?: SlipwayEdgeOptions;
}

/** The stack's outputs a deploy reads. */
export interface ControlPlaneOutputs {
  readonly apiUrl: string;
  readonly adminTokenSecretArn: string;
  /** The buckets CloudFormation can delete only once they are empty (the edge's too, with an edge). */
  readonly buckets: string[];
}

export const OUTPUT_NAMES = {
  apiUrl: "ApiUrl",
  adminTokenSecretArn: "AdminTokenSecretArn",
  artifactsBucket: "ArtifactsBucketName",
  cachesBucket: "CachesBucketName",
  accessLogsBucket: "AccessLogsBucketName",
  edgeAssetsBucket: "EdgeAssetsBucket",
  edgeLogsBucket: "EdgeLogsBucket",
} as const;

const ONLY_OUR_STACK = { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH_SINGLE, patterns: [STACK_NAME] };

/** The stack as a cloud assembly source: synthesized in this process (with cdk-nag) when the toolkit needs it. */
export function controlPlaneAssembly(
  toolkit: ControlPlaneToolkit,
  source: ControlPlaneSource,
): Promise<ICloudAssemblySource> {
  // Checked now: a missing bundle is named before any AWS call.
  const bundles = source.bundlesDir
    ? bundleDirsIn(resolve(source.bundlesDir))
    : writeUnbundledEntries(mkdtempSync(join(tmpdir(), "slipway-unbundled-")));
  return toolkit.fromAssemblyBuilder(async (props) => {
    const outDir = props.outdir ?? mkdtempSync(join(tmpdir(), "slipway-cdk-"));
    const { app } = createApp(outDir, bundles, {
      retainData: source.retainData ?? true,
      ...(source.sitesDomain !== undefined ? { sitesDomain: source.sitesDomain } : {}),
      ...(source.edge ? { edge: source.edge } : {}),
      ...(props.context ? { context: props.context } : {}),
    });
    return app.synth();
  });
}

export interface DeployOptions {
  /** Bootstrap the account and region for CDK assets first (once per account and region). */
  readonly bootstrap?: boolean;
}

/** Deploys (creates or updates) the stack with its code bundles and returns its outputs. */
export function deployControlPlane(
  toolkit: ControlPlaneToolkit,
  source: ControlPlaneSource & { readonly bundlesDir: string },
  options: DeployOptions = {},
): Promise<ControlPlaneOutputs> {
  return deployStack(toolkit, source, options);
}

async function deployStack(
  toolkit: ControlPlaneToolkit,
  source: ControlPlaneSource,
  options: DeployOptions,
): Promise<ControlPlaneOutputs> {
  const cx = await controlPlaneAssembly(toolkit, source);
  if (options.bootstrap) {
    await toolkit.bootstrap(await BootstrapEnvironments.fromCloudAssemblySource(cx));
  }
  let result: Awaited<ReturnType<ControlPlaneToolkit["deploy"]>>;
  try {
    result = await toolkit.deploy(cx, { stacks: ONLY_OUR_STACK });
  } catch (error) {
    if (error instanceof Error && /bootstrap/i.test(error.message)) {
      throw new SlipwayError(
        "AWS_NOT_BOOTSTRAPPED",
        `The account and region are not bootstrapped for CDK assets: ${error.message}`,
        "Run the same command once with --bootstrap (it creates the CDKToolkit stack: an assets bucket and deploy roles).",
      );
    }
    throw error;
  }
  const stack = result.stacks.find((s) => s.stackName === STACK_NAME) ?? result.stacks[0];
  return outputsOf(stack?.outputs ?? {});
}

function outputsOf(outputs: Record<string, string>): ControlPlaneOutputs {
  const read = (name: string) => {
    const value = outputs[name];
    if (!value) {
      throw new SlipwayError(
        "INTERNAL",
        `The deployed stack ${STACK_NAME} has no ${name} output.`,
        "The stack deployed is not this version's: run slipway aws upgrade.",
      );
    }
    return value;
  };
  return {
    apiUrl: read(OUTPUT_NAMES.apiUrl).replace(/\/+$/, ""),
    adminTokenSecretArn: read(OUTPUT_NAMES.adminTokenSecretArn),
    buckets: [
      ...[OUTPUT_NAMES.artifactsBucket, OUTPUT_NAMES.cachesBucket, OUTPUT_NAMES.accessLogsBucket].map(read),
      // Only a stack with an edge has them.
      ...[OUTPUT_NAMES.edgeAssetsBucket, OUTPUT_NAMES.edgeLogsBucket].flatMap((name) => outputs[name] ?? []),
    ],
  };
}

/** What deploying this version would change in the deployed stack (CloudFormation change set). */
export async function diffControlPlane(
  toolkit: ControlPlaneToolkit,
  source: ControlPlaneSource,
): Promise<ChangeSummary> {
  const cx = await controlPlaneAssembly(toolkit, source);
  const diffs = (await toolkit.diff(cx, { stacks: ONLY_OUR_STACK })) as Record<string, TemplateDiffLike | undefined>;
  return summarizeChanges(diffs[STACK_NAME] ?? Object.values(diffs)[0]);
}

export interface RemoveOptions {
  /** Delete the table and the buckets with their data too (the key is always kept). */
  readonly removeData: boolean;
  /** Empties a bucket (every version), so CloudFormation can delete it. */
  readonly emptyBucket: (bucket: string) => Promise<number>;
  readonly progress: (line: string) => void;
}

/**
 * Removes the stack. Keeping data, the table, the buckets and the key stay behind (RETAIN) and
 * the rest goes. Removing data, the stack is first deployed again with `retainData: false` (the
 * table loses its deletion protection, table and buckets become deletable), then the buckets
 * (the control plane's, and the edge's assets and logs when it has an edge) are emptied of every
 * version and delete marker, then the stack is destroyed. The KMS key is always kept (scheduled deletion is
 * left to the owner): backups and kept copies may still need it.
 */
export async function removeControlPlane(
  toolkit: ControlPlaneToolkit,
  source: ControlPlaneSource,
  options: RemoveOptions,
): Promise<{ emptied: Record<string, number> }> {
  const emptied: Record<string, number> = {};
  if (options.removeData) {
    options.progress("Making the table and buckets deletable (deploying with retainData off)…");
    const outputs = await deployStack(toolkit, { ...source, retainData: false }, {});
    for (const bucket of outputs.buckets) {
      emptied[bucket] = await options.emptyBucket(bucket);
      options.progress(`Emptied ${bucket} (${emptied[bucket]} object versions).`);
    }
  }
  const cx = await controlPlaneAssembly(toolkit, { ...source, retainData: !options.removeData });
  await toolkit.destroy(cx, { stacks: ONLY_OUR_STACK });
  return { emptied };
}
