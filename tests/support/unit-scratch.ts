import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The unit run's temp folder (see unit-tmpdir.ts). */
    unitScratch: string;
  }
}

/**
 * Vitest global setup of the unit project: one temp folder for the run, removed when it ends.
 * Tests that forget to clean up, and CDK's `cdk.out*` folders from `Template.fromStack`, would
 * otherwise pile up in /tmp run after run.
 */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), "slipway-unit-run-"));
  project.provide("unitScratch", root);
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 2 });
}
