import { isEnvKeyShape } from "../domain/env-key.ts";
import { SlipwayError } from "../errors.ts";

export const ENV_KEY_MAX = 256;
/** Per value; a deployment's whole set is capped separately. */
export const ENV_VALUE_MAX_BYTES = 64 * 1024;
export const ENV_TOTAL_MAX_BYTES = 1024 * 1024;

// Names the platform or the runtimes own: letting users set them would break or hijack the process.
const RESERVED_EXACT = new Set([
  "PATH",
  "HOME",
  "PWD",
  "SHELL",
  "USER",
  "TMPDIR",
  "TZ",
  "NODE_OPTIONS",
  "NODE_ENV",
  "NODE_PATH",
  "NEXT_RUNTIME",
  "NEXT_DEPLOYMENT_ID",
  "PORT",
  "HOSTNAME",
]);
const RESERVED_PREFIXES = ["SLIPWAY_", "AWS_", "LAMBDA_", "LD_", "DYLD_", "__NEXT_", "NPM_CONFIG_", "OPEN_NEXT_"];

export function validateEnvKey(key: string): string {
  if (!isEnvKeyShape(key) || key.length > ENV_KEY_MAX) {
    throw new SlipwayError(
      "INVALID_ENV_KEY",
      `"${key}" is not a valid environment variable name.`,
      `Use letters, digits and underscores, not starting with a digit, at most ${ENV_KEY_MAX} characters.`,
    );
  }
  const upper = key.toUpperCase();
  const prefix = RESERVED_PREFIXES.find((p) => upper.startsWith(p));
  if (RESERVED_EXACT.has(upper) || prefix) {
    throw new SlipwayError(
      "RESERVED_ENV_KEY",
      `"${key}" is reserved${prefix ? ` (names starting with ${prefix} belong to the platform)` : ""}.`,
      "Pick another name; Slipway sets this one itself or the runtime depends on it.",
    );
  }
  return key;
}

export function validateEnvValue(key: string, value: string): string {
  const size = Buffer.byteLength(value);
  if (size > ENV_VALUE_MAX_BYTES) {
    throw new SlipwayError(
      "ENV_VALUE_TOO_LARGE",
      `The value of ${key} is ${size} bytes; the limit is ${ENV_VALUE_MAX_BYTES} bytes.`,
      "Store large data in a file or a bucket and put its location in the variable.",
    );
  }
  if (value.includes("\0")) {
    throw new SlipwayError(
      "INVALID_INPUT",
      `The value of ${key} contains a NUL byte, which no process environment can hold.`,
    );
  }
  return value;
}

export function validateEnvTotal(vars: Record<string, string>): void {
  let total = 0;
  for (const [key, value] of Object.entries(vars)) total += Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
  if (total > ENV_TOTAL_MAX_BYTES) {
    throw new SlipwayError(
      "ENV_VALUE_TOO_LARGE",
      `The environment variables of this target add up to ${total} bytes; the limit is ${ENV_TOTAL_MAX_BYTES}.`,
      "Remove variables you no longer need.",
    );
  }
}
