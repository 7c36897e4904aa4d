import { isIP } from "node:net";
import { resolve } from "node:path";
import { CLIENT_IP_MODES, SlipwayError } from "@slipway/core";
import { parseLoopbackTarget } from "@slipway/runtime";
import { z } from "zod";

/**
 * Everything the local platform is configured by, parsed once at start from `slipway up` flags
 * and the environment. Nothing deeper reads process.env.
 */
const port = z.coerce.number().int().min(1).max(65_535);
/** Unset limits keep the builder's and the function host's own defaults (defined there only). */
const megabytes = (min: number) => z.coerce.number().int().min(min).optional();
/** `127.0.0.1:5432,localhost:6379`: loopback services sandboxed workers may reach. */
const loopbackList = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .refine(
    (entries) =>
      entries.every((entry) => {
        try {
          parseLoopbackTarget(entry);
          return true;
        } catch {
          return false;
        }
      }),
    "must be a comma-separated list of loopback host:port (e.g. 127.0.0.1:5432)",
  );

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
  // Unset: the function host's and the builder's defaults (DEFAULT_IDLE_TIMEOUT_MS,
  // DEFAULT_MAX_WORKERS_PER_DEPLOYMENT, DEFAULT_BUILD_TIMEOUT_MS), like the limits below.
  idleTimeoutMs: z.coerce.number().int().min(1000).optional(),
  maxWorkersPerDeployment: z.coerce.number().int().min(1).optional(),
  buildTimeoutMs: z.coerce.number().int().min(10_000).optional(),
  sandbox: z.enum(["auto", "bwrap", "none"]).default("auto"),
  /** Serve a public domain or address even without a sandbox (`--unsafe-no-sandbox`). */
  unsafeNoSandbox: z.boolean().default(false),
  /** Builds' and workers' network: own namespace via slirp4netns (`isolated`) or the host's. */
  sandboxNetwork: z.enum(["auto", "isolated", "host"]).default("auto"),
  allowLoopback: loopbackList.default([]),
  buildMemoryMb: megabytes(256),
  buildProcesses: z.coerce.number().int().min(64).optional(),
  buildDiskMb: megabytes(256),
  workerMemoryMb: megabytes(128),
  workerTmpMb: megabytes(1),
  /** Memory of the edge response cache; 0 turns it off. */
  edgeCacheMb: z.coerce.number().int().min(0).default(64),
  /** How long a stop or restart lets requests and streams in flight finish before cutting them. */
  drainTimeoutMs: z.coerce.number().int().min(0).default(30_000),
  /** Disk hygiene: all build caches together, finished builds' folders, and how often to sweep. */
  buildCacheMaxMb: z.coerce.number().int().min(0).default(20_480),
  buildScratchMaxMb: z.coerce.number().int().min(0).default(1_024),
  diskSweepMs: z.coerce.number().int().min(60_000).default(3_600_000),
  // Custom domains (docs/domains.md).
  /** HTTPS listener of the edge; unset: 443 when the edge listens on 80 (a public box), else off. */
  httpsPort: port.optional(),
  /** `host[:port]` of the resolver `domains verify` asks; unset: the system's. */
  dnsServer: z.string().min(1).optional(),
  /** Addresses custom domains' A/AAAA records must hold (this machine's public IPs). */
  publicIps: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((ips) => ips.every((ip) => isIP(ip) !== 0), "must be a comma-separated list of IP addresses")
    .default([]),
  cnameTarget: z.string().min(1).optional(),
  /** `letsencrypt`, `letsencrypt-staging` or a directory URL (Pebble in tests). */
  acmeDirectory: z.string().min(1).default("letsencrypt"),
  acmeEmail: z.email().optional(),
  /** A PEM file of the CA the ACME directory's TLS is signed by, for a test CA. */
  acmeCaFile: z.string().min(1).optional(),
  /** Command run as `HOOK set|remove NAME VALUE` to publish DNS-01 TXT records; enables wildcards. */
  dns01Hook: z.string().min(1).optional(),
  /** Strict-Transport-Security on HTTPS responses of custom domains; `off` sends none. */
  hsts: z.string().min(1).default("max-age=31536000"),
  domainsPerProject: z.coerce.number().int().min(1).default(50),
  /** How often due certificate renewals are looked for. */
  certificateSweepMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(10 * 60_000),
  /** Tests only: a file holding the ISO time certificate renewal took as now when it was written. */
  clockFile: z.string().min(1).optional(),
  githubToken: z.string().min(1).optional(),
  githubApiUrl: z.url().default("https://api.github.com"),
  /** Anyone may sign up (default: the first user, then by invitation only). */
  openSignUp: z.stringbool().default(false),
  /** Origins besides the platform's own that may write with a session cookie (a dashboard dev server). */
  trustedOrigins: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url()))
    .default([]),
  /** Request log, function logs, errors and metrics of sites (off: the edge reports to nobody). */
  telemetry: z.enum(["on", "off"]).default("on"),
  /** How much of a client's address the request log keeps. */
  logClientIp: z.enum(CLIENT_IP_MODES).default("masked"),
  logRetentionDays: z.coerce.number().int().min(1).max(365).default(7),
  logMaxEntriesPerProject: z.coerce.number().int().min(1000).default(200_000),
  /** Serve /metrics without the admin token (a Prometheus on a private network). */
  metricsPublic: z
    .enum(["0", "1", "false", "true"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
});

export type PlatformConfig = z.infer<typeof schema>;

export interface UpFlags {
  dataDir?: unknown;
  host?: unknown;
  port?: unknown;
  edgePort?: unknown;
  httpsPort?: unknown;
  domain?: unknown;
  unsafeNoSandbox?: unknown;
  allowLoopback?: unknown;
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
  // A flag only: an accepted risk should be visible on the command line, not hidden in the env.
  unsafeNoSandbox: { flag: "--unsafe-no-sandbox" },
  sandboxNetwork: { env: "SLIPWAY_SANDBOX_NETWORK" },
  allowLoopback: { flag: "--allow-loopback", env: "SLIPWAY_ALLOW_LOOPBACK" },
  buildMemoryMb: { env: "SLIPWAY_BUILD_MEMORY_MB" },
  buildProcesses: { env: "SLIPWAY_BUILD_PROCESSES" },
  buildDiskMb: { env: "SLIPWAY_BUILD_DISK_MB" },
  workerMemoryMb: { env: "SLIPWAY_WORKER_MEMORY_MB" },
  workerTmpMb: { env: "SLIPWAY_WORKER_TMP_MB" },
  edgeCacheMb: { env: "SLIPWAY_EDGE_CACHE_MB" },
  drainTimeoutMs: { env: "SLIPWAY_DRAIN_TIMEOUT_MS" },
  buildCacheMaxMb: { env: "SLIPWAY_BUILD_CACHE_MAX_MB" },
  buildScratchMaxMb: { env: "SLIPWAY_BUILD_SCRATCH_MAX_MB" },
  diskSweepMs: { env: "SLIPWAY_DISK_SWEEP_MS" },
  httpsPort: { flag: "--https-port", env: "SLIPWAY_HTTPS_PORT" },
  dnsServer: { env: "SLIPWAY_DNS_SERVER" },
  publicIps: { env: "SLIPWAY_PUBLIC_IPS" },
  cnameTarget: { env: "SLIPWAY_CNAME_TARGET" },
  acmeDirectory: { env: "SLIPWAY_ACME_DIRECTORY" },
  acmeEmail: { env: "SLIPWAY_ACME_EMAIL" },
  acmeCaFile: { env: "SLIPWAY_ACME_CA_FILE" },
  dns01Hook: { env: "SLIPWAY_DNS01_HOOK" },
  hsts: { env: "SLIPWAY_HSTS" },
  domainsPerProject: { env: "SLIPWAY_MAX_DOMAINS" },
  certificateSweepMs: { env: "SLIPWAY_CERT_SWEEP_MS" },
  clockFile: { env: "SLIPWAY_CLOCK_FILE" },
  githubToken: { env: "SLIPWAY_GITHUB_TOKEN" },
  githubApiUrl: { env: "SLIPWAY_GITHUB_API_URL" },
  openSignUp: { env: "SLIPWAY_OPEN_SIGNUP" },
  trustedOrigins: { env: "SLIPWAY_TRUSTED_ORIGINS" },
  telemetry: { env: "SLIPWAY_TELEMETRY" },
  logClientIp: { env: "SLIPWAY_LOG_CLIENT_IP" },
  logRetentionDays: { env: "SLIPWAY_LOG_RETENTION_DAYS" },
  logMaxEntriesPerProject: { env: "SLIPWAY_LOG_MAX_ENTRIES" },
  metricsPublic: { env: "SLIPWAY_METRICS_PUBLIC" },
} as const satisfies Record<keyof PlatformConfig, { flag?: `--${string}`; env?: string }>;

type Key = keyof typeof SOURCES;

export function parsePlatformConfig(flags: UpFlags, env: NodeJS.ProcessEnv): PlatformConfig {
  const fromFlag = new Set<Key>();
  const input: Partial<Record<Key, unknown>> = {};
  for (const [key, source] of Object.entries(SOURCES) as Array<[Key, { flag?: string; env?: string }]>) {
    const flag = source.flag ? flags[key as keyof UpFlags] : undefined;
    if (flag !== undefined) fromFlag.add(key);
    input[key] = flag ?? (source.env ? env[source.env] : undefined);
  }
  // A boolean flag: absent or false leaves the default.
  input.unsafeNoSandbox = flags.unsafeNoSandbox === true ? true : undefined;
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = (issue?.path[0] ?? "dataDir") as Key;
    const source: { flag?: string; env?: string } = SOURCES[key];
    // Name the one the user set first, then the other way to set it.
    const [given, other] =
      source.flag && (fromFlag.has(key) || !source.env) ? [source.flag, source.env] : [source.env, source.flag];
    const names = `${given} "${String(input[key])}"${other ? ` (or ${other})` : ""}`;
    throw new SlipwayError(
      "INVALID_CONFIG",
      `${names} ${describeIssue(key, issue?.message)}.`,
      "Fix the `slipway up` flag or the SLIPWAY_* environment variable (docs/operations.md lists them).",
    );
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
}

function describeIssue(key: Key, zodMessage: string | undefined): string {
  if (key === "port" || key === "edgePort" || key === "httpsPort") return "must be a port number 1-65535";
  return `is invalid: ${zodMessage ?? "unexpected value"}`;
}
