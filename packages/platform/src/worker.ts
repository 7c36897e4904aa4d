import {
  type CertificateDeps,
  type CoreDeps,
  certificateJobHostname,
  deploymentIdOf,
  giveUpDeployment,
  handleCanaryJob,
  handleDeployJob,
  issueCertificateStep,
} from "@slipway/core";
import { certificateDeps, startCertificateSweeper } from "./certificates.ts";
import type { PlatformConfig } from "./config.ts";
import { startJobRunner } from "./job-runner.ts";
import { startPipelineSweeper } from "./pipeline-sweeper.ts";
import { JOB_ATTEMPTS, openDataDir, wirePorts } from "./wire-ports.ts";

/** Pipeline steps are short (a build runs in its own process): a dead worker's step comes back soon. */
const STEP_LEASE_MS = 30_000;

/**
 * Runs the deploy pipeline's steps from the queue, in this process, and sweeps for deployments
 * whose message was lost (any number of processes may sweep: resuming is idempotent).
 */
export function startStepRunner(
  deps: CoreDeps,
  certificates: CertificateDeps,
  certificateSweepMs: number,
  log: (line: string) => void,
) {
  const runner = startJobRunner({
    queue: deps.queue,
    log,
    // Steps are short and mostly wait on I/O; one slow activation must not hold up the others.
    concurrency: 2,
    leaseMs: STEP_LEASE_MS,
    handle: async (job) => {
      const hostname = certificateJobHostname(job);
      // An ACME order failing is recorded on the domain (with its backoff), not retried here.
      if (hostname !== null) return issueCertificateStep(certificates, hostname);
      // Canary steps: a watch, an unwatch, the edge's error alarm (a cancel).
      if (await handleCanaryJob(deps, job, log)) return;
      try {
        await handleDeployJob(deps, job);
      } catch (error) {
        const deploymentId = deploymentIdOf(job);
        if (deploymentId !== null && job.attempts >= JOB_ATTEMPTS) await giveUpDeployment(deps, deploymentId, error);
        throw error;
      }
    },
  });
  const sweeper = startPipelineSweeper({ deps, log, onResumed: () => runner.poke() });
  const renewals = startCertificateSweeper({
    deps: certificates,
    intervalMs: certificateSweepMs,
    log,
    onQueued: () => runner.poke(),
  });
  return {
    async stop() {
      await renewals.stop();
      await sweeper.stop();
      await runner.stop();
    },
  };
}

export interface RunningWorker {
  stop(): Promise<void>;
}

/**
 * `slipway worker`: only the pipeline's step handlers (and the stalled-deployment sweep), on the
 * same data dir as a running `slipway up` (two consumers, one queue). No API, no edge, no
 * start-up sweeping of leftovers: the platform owns those.
 */
export async function startWorker(config: PlatformConfig, log: (line: string) => void): Promise<RunningWorker> {
  const sandbox = await openDataDir(config, log);
  const { deps, store, functionHost, telemetryStore } = await wirePorts(config, sandbox.kind, log, () => {});
  const runner = startStepRunner(deps, certificateDeps(config, deps), config.certificateSweepMs, log);
  return {
    async stop() {
      await runner.stop();
      await telemetryStore?.close();
      await functionHost.close();
      await store.close();
      sandbox.restoreUmask();
    },
  };
}
