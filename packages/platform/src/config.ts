import { resolve } from "node:path";
import { SlipwayError } from "@slipway/core";
import { z } from "zod";

/**
 * Everything the local platform is configured by, parsed once at start from `slipway up` flags
 * and the environment. Nothing deeper reads process.env.
 */
const port = z.coerce.number().int().min(1).max(65_535);

const schema = z.object({
  dataDir: z.string().min(1).default(".slipway"),
  host: z.string().min(1).default("127.0.0.1"),
  port: port.default(7300),
  edgePort: port.default(7380),
  /** Sites are `<name>.<domain>`; `localhost` resolves to loopback without DNS. */
  domain: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
      "must be a lowercase DNS name",
    )
    .default("localhost"),
  /** Base64 32-byte key; when absent the key lives in <dataDir>/master.key (mode 0600). */
  masterKey: z.string().min(1).optional(),
  /** Public URL of the API (for webhook URLs) when it differs from http://host:port. */
  publicUrl: z.url().optional(),
  retainDeployments: z.coerce.number().int().min(1).default(10),
  idleTimeoutMs: z.coerce
    .number()
    .int()
    .min(1000)
    .default(5 * 60_000),
  maxWorkersPerDeployment: z.coerce.number().int().min(1).default(2),
  buildTimeoutMs: z.coerce
    .number()
    .int()
    .min(10_000)
    .default(20 * 60_000),
  sandbox: z.enum(["auto", "bwrap", "none"]).default("auto"),
  githubToken: z.string().min(1).optional(),
  githubApiUrl: z.url().default("https://api.github.com"),
});

export type PlatformConfig = z.infer<typeof schema>;

export interface UpFlags {
  dataDir?: unknown;
  host?: unknown;
  port?: unknown;
  edgePort?: unknown;
  domain?: unknown;
}

/** Where each setting comes from: its `slipway up` flag (if any) and its environment variable. */
const SOURCES = {
  dataDir: { flag: "--data-dir", env: "SLIPWAY_DATA_DIR" },
  host: { flag: "--host", env: "SLIPWAY_HOST" },
  port: { flag: "--port", env: "SLIPWAY_PORT" },
  edgePort: { flag: "--edge-port", env: "SLIPWAY_EDGE_PORT" },
  domain: { flag: "--domain", env: "SLIPWAY_DOMAIN" },
  masterKey: { env: "SLIPWAY_MASTER_KEY" },
  publicUrl: { env: "SLIPWAY_PUBLIC_URL" },
  retainDeployments: { env: "SLIPWAY_RETAIN_DEPLOYMENTS" },
  idleTimeoutMs: { env: "SLIPWAY_IDLE_TIMEOUT_MS" },
  maxWorkersPerDeployment: { env: "SLIPWAY_MAX_WORKERS" },
  buildTimeoutMs: { env: "SLIPWAY_BUILD_TIMEOUT_MS" },
  sandbox: { env: "SLIPWAY_SANDBOX" },
  githubToken: { env: "SLIPWAY_GITHUB_TOKEN" },
  githubApiUrl: { env: "SLIPWAY_GITHUB_API_URL" },
} as const satisfies Record<keyof PlatformConfig, { flag?: `--${string}`; env: string }>;

type Key = keyof typeof SOURCES;

export function parsePlatformConfig(flags: UpFlags, env: NodeJS.ProcessEnv): PlatformConfig {
  const fromFlag = new Set<Key>();
  const input: Partial<Record<Key, unknown>> = {};
  for (const [key, source] of Object.entries(SOURCES) as Array<[Key, { flag?: string; env: string }]>) {
    const flag = source.flag ? flags[key as keyof UpFlags] : undefined;
    if (flag !== undefined) fromFlag.add(key);
    input[key] = flag ?? env[source.env];
  }
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = (issue?.path[0] ?? "dataDir") as Key;
    const source: { flag?: string; env: string } = SOURCES[key];
    // Name the one the user set first, then the other way to set it.
    const names = source.flag
      ? fromFlag.has(key)
        ? `${source.flag} "${String(input[key])}" (or ${source.env})`
        : `${source.env} "${String(input[key])}" (or ${source.flag})`
      : `${source.env} "${String(input[key])}"`;
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${names} ${describeIssue(key, issue?.message)}.`,
      "Fix the `slipway up` flag or the SLIPWAY_* environment variable (docs/operations.md lists them).",
    );
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

function describeIssue(key: Key, zodMessage: string | undefined): string {
  if (key === "port" || key === "edgePort") return "must be a port number 1-65535";
  return `is invalid: ${zodMessage ?? "unexpected value"}`;
}
