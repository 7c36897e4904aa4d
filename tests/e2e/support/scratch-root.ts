import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest global setup of the e2e project: one folder for every temp dir the run makes
 * (`scratchDir`), removed when the run ends. Each platform's data dir holds a toolchain, build
 * caches and artifacts (1–6 GB), and test processes can end without running their exit hooks.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "slipway-e2e-run-"));
  // Set before the test processes start: they inherit it.
  process.env.SLIPWAY_E2E_SCRATCH = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 2 });
}
