import { type Check, runChecks } from "./checks.ts";
import { systemProbes } from "./probes.ts";

export type { Check, CheckStatus } from "./checks.ts";
export { runChecks } from "./checks.ts";
export type { DoctorProbes } from "./probes.ts";

/** `slipway doctor` on this machine. */
export function diagnose(options: { dataDir: string; env: NodeJS.ProcessEnv }): Check[] {
  return runChecks(systemProbes(options.env), { dataDir: options.dataDir });
}
