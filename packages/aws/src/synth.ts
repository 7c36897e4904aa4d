import { mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { SlipwayError } from "@slipway/core/errors";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type BundleDirs, bundleDirsIn, writeUnbundledEntries } from "./bundles.ts";
import { type SlipwayEdgeOptions, SlipwayStack } from "./stack.ts";

export const STACK_NAME = "Slipway";

export interface SynthOptions {
  /** The cloud assembly directory (templates as `*.template.json`, assets beside them). */
  readonly outDir: string;
  /** The aws-runtime bundles (`api/`, `steps/`, `builder/`); without it, entries that refuse to run. */
  readonly bundlesDir?: string;
  /** @default true */
  readonly retainData?: boolean;
  /** @default - no edge (see `SlipwayStackProps.edge`) */
  readonly edge?: SlipwayEdgeOptions;
}

export interface SynthResult {
  readonly outDir: string;
  /** Absolute paths of the CloudFormation templates written. */
  readonly templates: string[];
  /** Whether the assembly carries real code bundles (only then is it deployable). */
  readonly bundled: boolean;
}

export interface AppOptions {
  /** @default true */
  readonly retainData?: boolean;
  /** Site hostnames' domain (`SLIPWAY_SITES_DOMAIN`). @default - none */
  readonly sitesDomain?: string;
  /** Context for the app (the CDK toolkit passes its own when it synthesizes). */
  readonly context?: Record<string, unknown>;
  /**
   * Run the AwsSolutions checks at synthesis (template tests that check other things skip them:
   * they double the synth's time).
   * @default true
   */
  readonly nag?: boolean;
  /** @default - no edge (see `SlipwayStackProps.edge`) */
  readonly edge?: SlipwayEdgeOptions;
}

/** The app with the stack (and the AwsSolutions checks), before synthesis. */
export function createApp(
  outDir: string,
  bundles: BundleDirs,
  options: AppOptions = {},
): { app: App; stack: SlipwayStack } {
  const app = new App({ outdir: outDir, ...(options.context ? { context: options.context } : {}) });
  const stack = new SlipwayStack(app, STACK_NAME, {
    bundles,
    retainData: options.retainData ?? true,
    ...(options.edge ? { edge: options.edge } : {}),
    ...(options.sitesDomain !== undefined ? { sitesDomain: options.sitesDomain } : {}),
  });
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  }
  return { app, stack };
}

/**
 * Synthesizes the control plane offline: no credentials, no lookups (the stack is
 * environment-agnostic, so the account and region are chosen at deploy time). Fails on any
 * cdk-nag finding the stack does not acknowledge.
 */
export function synthesize(options: SynthOptions): SynthResult {
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const bundles = options.bundlesDir
    ? bundleDirsIn(resolve(options.bundlesDir))
    : writeUnbundledEntries(join(outDir, "unbundled"));
  const { app } = createApp(outDir, bundles, {
    retainData: options.retainData ?? true,
    ...(options.edge ? { edge: options.edge } : {}),
  });
  try {
    app.synth();
  } catch (error) {
    if (error instanceof Error && error.name === "ValidationFailed") {
      throw new SlipwayError(
        "INTERNAL",
        `cdk-nag found problems the stack does not acknowledge: ${error.message}`,
        `Fix them, or acknowledge each with its reason in packages/aws/src/nag-acknowledgements.ts (report: ${join(outDir, "validation-report.json")}).`,
      );
    }
    throw error;
  }
  const templates = readdirSync(outDir)
    .filter((name) => name.endsWith(".template.json"))
    .map((name) => join(outDir, name));
  return { outDir, templates, bundled: options.bundlesDir !== undefined };
}
