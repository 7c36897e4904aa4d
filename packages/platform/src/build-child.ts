/**
 * The child process of one supervised build (see @slipway/builder's supervisor): runs the build
 * pipeline in its job folder and writes the build's log lines to the LogStore itself (SQLite in
 * WAL mode takes a second writer), so the log survives whatever happens to the platform.
 * Started as `node --import tsx build-child.ts <jobDir>`.
 */

import { rm } from "node:fs/promises";
import {
  createLocalBuilder,
  type JobFile,
  type LocalBuilderOptions,
  runSupervisedJob,
  type SandboxMode,
  scratchDirOf,
} from "@slipway/builder";
import type { LogLine, LogStore } from "@slipway/core";
import { createFsBlobStore, createSqliteLogStore, openSqlite } from "@slipway/local";

/** What the platform sends every build child besides the request. */
export interface BuildChildConfig {
  dataDir: string;
  dbPath: string;
  cacheDir: string;
  toolchainDir: string;
  openNextConfigPath: string;
  readOnlyPaths: string[];
  sandbox: SandboxMode;
  network: LocalBuilderOptions["network"];
  timeoutMs?: number;
  limits: LocalBuilderOptions["limits"];
}

const FLUSH_MS = 200;

async function main(dir: string): Promise<void> {
  await runSupervisedJob(dir, async (job: JobFile, signal) => {
    const config = job.config as BuildChildConfig;
    const db = openSqlite(config.dbPath);
    const logs = createSqliteLogStore(db);
    const deploymentId = job.request.deploymentId;
    // Builds print thousands of lines: batched, written at most every FLUSH_MS.
    let pending: Array<Omit<LogLine, "seq">> = [];
    const flush = async () => {
      const batch = pending;
      pending = [];
      await logs.append(deploymentId, batch);
    };
    const timer = setInterval(() => void flush().catch(() => undefined), FLUSH_MS);
    try {
      const builder = createLocalBuilder({
        blobStore: createFsBlobStore(config.dataDir),
        cacheDir: config.cacheDir,
        toolchainDir: config.toolchainDir,
        // This process's own scratch next to the job folder, removed by the pipeline when it ends.
        workDir: scratchDirOf(dir, process.pid),
        openNextConfigPath: config.openNextConfigPath,
        readOnlyPaths: config.readOnlyPaths,
        sandbox: config.sandbox,
        network: config.network,
        timeoutMs: config.timeoutMs,
        limits: config.limits,
      });
      const logLinesBefore = await countLines(logs, deploymentId);
      const result = await builder.build({
        ...job.request,
        onLog: (line) => pending.push(line),
        signal,
        logLinesBefore,
      });
      return result.ok ? { ok: true, artifactKey: result.artifactKey } : { ok: false, reason: result.reason };
    } finally {
      clearInterval(timer);
      await flush();
      db.close();
    }
  });
}

/** Lines in the deployment's log so far, page by page. */
async function countLines(logs: LogStore, deploymentId: string): Promise<number> {
  const PAGE = 5_000;
  let count = 0;
  let after = 0;
  for (;;) {
    const page = await logs.read(deploymentId, after, PAGE);
    count += page.length;
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return count;
    after = last.seq;
  }
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: build-child <jobDir>");
  process.exitCode = 2;
} else {
  await main(dir);
  // The pipeline removes its scratch without waiting (nothing needs to); this process exits right
  // after the build, so it waits here, after the result is recorded, instead.
  await rm(scratchDirOf(dir, process.pid), { recursive: true, force: true });
  process.exit(0);
}
