// The builder bundle's code (dist/lambda/builder/lib/steps/builder.mjs): CodeBuild's build phase
// runs `node index.mjs`, a launcher that installs the pinned OpenNext beside it and calls `main`.
import { tmpdir } from "node:os";
import path from "node:path";
import { runCodeBuildBuild } from "./run.ts";
import { parseRunnerEnv } from "./runner-env.ts";

/** Runs one build; `bundleRoot` is the launcher's folder (what build.mjs copied is laid out there). */
export async function main(bundleRoot: string): Promise<number> {
  const controller = new AbortController();
  // CodeBuild's StopBuild and its timeout end the phase with SIGTERM: the pipeline stops its processes.
  process.once("SIGTERM", () => controller.abort());
  process.once("SIGINT", () => controller.abort());
  const outcome = await runCodeBuildBuild({
    env: parseRunnerEnv(process.env, tmpdir()),
    // Copied by build.mjs with the folders it imports, in the repository's layout.
    openNextConfigPath: path.join(bundleRoot, "runtime", "opennext", "open-next.config.ts"),
    readOnlyPaths: [path.join(bundleRoot, "core", "src")],
    print: (line) => process.stdout.write(`${line}\n`),
    signal: controller.signal,
  });
  // The build spec exports SLIPWAY_ARTIFACT_KEY (set by the start step); the exit status decides.
  return outcome.ok ? 0 : 1;
}
