// Child process for the cross-process race tests: opens its own connection to the SQLite file,
// waits for "go" so every worker starts at once, then races the others and reports what it won.
import { createSqliteQueue } from "../../queue/sqlite.ts";
import { createSqliteStore } from "../../store/sqlite.ts";

const [path, name, idsJson] = process.argv.slice(2);
if (!path || !name || !idsJson) throw new Error("usage: race-worker <db> <name> <deployment ids json>");
const ids = JSON.parse(idsJson) as string[];
const store = createSqliteStore(path);
const queue = createSqliteQueue(path);

process.on("message", async () => {
  const transitions: string[] = [];
  const jobs: string[] = [];
  // Interleave both races so the connections contend for the write lock as much as possible.
  for (const id of ids) {
    if (await store.deployments.transition(id, ["queued"], "building", { statusReason: name })) transitions.push(id);
    const job = await queue.claim(60_000);
    if (job) jobs.push(job.id);
  }
  for (let job = await queue.claim(60_000); job; job = await queue.claim(60_000)) jobs.push(job.id);
  await Promise.all([store.close(), queue.close()]);
  process.send?.({ transitions, jobs }, () => process.exit(0));
});
process.send?.("ready");
