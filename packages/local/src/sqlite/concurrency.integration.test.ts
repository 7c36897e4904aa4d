import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployment, project } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteQueue } from "../queue/sqlite.ts";
import { createSqliteStore } from "../store/sqlite.ts";

// The contract's race cases run inside one process, where better-sqlite3 calls cannot interleave.
// Here separate processes, each with its own connection, race on one file: what the CAS and the
// claim must survive when the CLI or a second platform process shares the database.

const WORKER = join(import.meta.dirname, "testing", "race-worker.ts");
const WORKERS = 4;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

interface Report {
  transitions: string[];
  jobs: string[];
}

function once<T>(child: ChildProcess, predicate: (message: unknown) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    child.on("message", (message) => predicate(message) && resolve(message as T));
    child.on("exit", (code) => code !== 0 && reject(new Error(`race worker exited with ${code}`)));
  });
}

describe("sqlite across processes", () => {
  it("each deployment transition and each job claim is won by exactly one process", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-race-"));
    dirs.push(dir);
    const path = join(dir, "slipway.db");
    const store = createSqliteStore(path);
    const queue = createSqliteQueue(path);
    const p = project();
    await store.projects.create(p);
    const deployments = Array.from({ length: 40 }, () => deployment(p.id));
    for (const d of deployments) await store.deployments.create(d);
    const jobIds = await Promise.all(Array.from({ length: 60 }, (_, n) => queue.enqueue("build", { n })));
    const ids = JSON.stringify(deployments.map((d) => d.id));

    const children = Array.from({ length: WORKERS }, (_, i) =>
      fork(WORKER, [path, `worker-${i}`, ids], { execArgv: ["--import", "tsx"], stdio: "inherit" }),
    );
    await Promise.all(children.map((child) => once(child, (m) => m === "ready")));
    const reports = children.map((child) => once<Report>(child, (m) => typeof m === "object"));
    for (const child of children) child.send("go");
    const results = await Promise.all(reports);

    const won = results.flatMap((r) => r.transitions);
    expect(won.sort()).toEqual(deployments.map((d) => d.id).sort());
    for (const [i, r] of results.entries()) {
      for (const id of r.transitions) expect((await store.deployments.get(id))?.statusReason).toBe(`worker-${i}`);
    }
    expect(results.flatMap((r) => r.jobs).sort()).toEqual([...jobIds].sort());
    await Promise.all([store.close(), queue.close()]);
  });
});
