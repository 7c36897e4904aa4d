import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestEntry, runTelemetryStoreContract } from "@slipway/core/contracts";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteTelemetryStore } from "./sqlite.ts";

const dirs: string[] = [];
async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "slipway-telemetry-"));
  dirs.push(dir);
  return join(dir, "telemetry.db");
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

runTelemetryStoreContract({ name: "sqlite", create: async () => createSqliteTelemetryStore(await tempFile()) });

describe("sqlite telemetry store", () => {
  it("keeps entries across a reopen and never reuses a seq after deletes", async () => {
    const path = await tempFile();
    const first = createSqliteTelemetryStore(path);
    await first.write({ entries: [requestEntry(), requestEntry()], errors: [], metrics: [] });
    const before = await first.entries({ projectId: "p1", limit: 10 });
    await first.deleteProject("p1");
    await first.close();
    const second = createSqliteTelemetryStore(path);
    await second.write({ entries: [requestEntry({ requestId: "later" })], errors: [], metrics: [] });
    const after = await second.entries({ projectId: "p1", limit: 10 });
    expect(after).toHaveLength(1);
    expect(after[0]?.seq).toBeGreaterThan(before.at(-1)?.seq ?? 0);
    await second.close();
  });
});
