import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CertificateDeps, type CoreDeps, type DomainSettings, queueDueCertificates } from "@slipway/core";
import { acmeDirectoryUrl, createAcmeIssuer } from "@slipway/local";
import type { PlatformConfig } from "./config.ts";

/** What `domains add/verify` are configured by: limits, the records users are told to set. */
export function domainSettingsOf(config: PlatformConfig): Partial<DomainSettings> {
  return {
    maxPerProject: config.domainsPerProject,
    wildcards: config.dns01Hook !== undefined,
    addresses: config.publicIps,
    cnameTarget: config.cnameTarget ?? null,
  };
}

/** The HTTPS port, or null: 443 by default only on a box whose edge already serves port 80. */
export function httpsPortOf(config: PlatformConfig): number | null {
  return config.httpsPort ?? (config.edgePort === 80 ? 443 : null);
}

/**
 * The clock certificate renewal runs on: the real one, or (tests) one moved by SLIPWAY_CLOCK_FILE:
 * the file holds the time it was "now" when written, so the clock runs on from there (now + the
 * file's time − its mtime). Read at each tick, so a test moves it while the platform runs.
 */
export function certificateClock(config: PlatformConfig): () => Date {
  const file = config.clockFile;
  if (!file) return () => new Date();
  return () => {
    try {
      const at = Date.parse(readFileSync(file, "utf8").trim());
      const written = statSync(file).mtimeMs;
      return Number.isNaN(at) ? new Date() : new Date(Date.now() + (at - written));
    } catch {
      return new Date();
    }
  };
}

/** The ACME issuer and the clock: what the certificate step needs besides the core ports. */
export function certificateDeps(config: PlatformConfig, deps: CoreDeps): CertificateDeps {
  return {
    store: deps.store,
    queue: deps.queue,
    secrets: deps.secrets,
    now: certificateClock(config),
    issuer: createAcmeIssuer({
      directoryUrl: acmeDirectoryUrl(config.acmeDirectory),
      ...(config.acmeEmail ? { email: config.acmeEmail } : {}),
      accountKeyFile: join(config.dataDir, "acme", "account.key"),
      secrets: deps.secrets,
      ...(config.acmeCaFile ? { caCert: readFileSync(config.acmeCaFile, "utf8") } : {}),
      ...(config.dns01Hook ? { dns01Hook: config.dns01Hook } : {}),
    }),
  };
}

/**
 * Queues due issuances and renewals every `intervalMs` (jittered, like the pipeline sweeper):
 * a certificate 30 days from expiry, a failed order whose backoff passed, a verified domain whose
 * message was lost. Several processes may sweep: the step is idempotent.
 */
export function startCertificateSweeper(options: {
  deps: Pick<CertificateDeps, "store" | "queue" | "now">;
  intervalMs: number;
  log(line: string): void;
  onQueued?(): void;
}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();
  const sweep = async () => {
    try {
      const queued = await queueDueCertificates(options.deps);
      if (queued.length > 0) {
        options.log(`certificates due: ${queued.join(", ")}`);
        options.onQueued?.();
      }
    } catch (error) {
      options.log(`certificate sweep failed: ${(error as Error).message}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        sweeping = sweep().finally(schedule);
      },
      options.intervalMs * (0.75 + Math.random() / 2),
    );
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await sweeping;
    },
  };
}
