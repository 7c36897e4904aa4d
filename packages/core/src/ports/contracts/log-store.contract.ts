import { expect } from "vitest";
import type { LogLine } from "../../domain/model.ts";
import type { LogStore } from "../log-store.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

const line = (text: string, stream: LogLine["stream"] = "stdout"): Omit<LogLine, "seq"> => ({
  at: "2026-01-01T00:00:00.000Z",
  stream,
  text,
});

function expectIncreasing(seqs: number[]): void {
  for (const [i, seq] of seqs.entries()) {
    expect(Number.isInteger(seq) && seq > 0).toBe(true);
    if (i > 0) expect(seq).toBeGreaterThan(seqs[i - 1] ?? 0);
  }
}

/** The LogStore contract: every adapter (SQLite, CloudWatch Logs, …) runs these cases. */
export function runLogStoreContract(options: ContractOptions<LogStore>): void {
  defineContract<LogStore>(
    "LogStore",
    options,
    async () => {},
    (test) => {
      // Seqs only grow: CloudWatch's sequence tokens and a shared counter skip values, so no case
      // (and no follower: the API's SSE stream, the CLI) may assume they go up by one.
      test("append assigns increasing seqs and read returns lines oldest first", async (logs) => {
        await logs.append("d1", [line("installing"), line("warn: peer dep", "stderr")]);
        await logs.append("d1", [line("Build started", "system")]);
        const read = await logs.read("d1");
        expect(read.map(({ seq, ...rest }) => rest)).toEqual([
          line("installing"),
          line("warn: peer dep", "stderr"),
          line("Build started", "system"),
        ]);
        expectIncreasing(read.map((l) => l.seq));
      });

      test("read after a seq, with a limit, pages through the log", async (logs) => {
        await logs.append(
          "d1",
          Array.from({ length: 10 }, (_, i) => line(`line ${i + 1}`)),
        );
        const all = await logs.read("d1");
        const page = await logs.read("d1", all[2]?.seq, 4);
        expect(page.map((l) => l.text)).toEqual(["line 4", "line 5", "line 6", "line 7"]);
        expect(page).toEqual(all.slice(3, 7));
        expect(await logs.read("d1", all[9]?.seq)).toEqual([]);
      });

      test("each deployment reads only its own lines, in order", async (logs) => {
        await logs.append("d1", [line("a")]);
        await logs.append("d2", [line("b")]);
        await logs.append("d1", [line("c")]);
        const d1 = await logs.read("d1");
        expect(d1.map((l) => l.text)).toEqual(["a", "c"]);
        expectIncreasing(d1.map((l) => l.seq));
        expect((await logs.read("d2")).map((l) => l.text)).toEqual(["b"]);
      });

      test("concurrent appends get distinct, increasing seqs and lose no line", async (logs) => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => logs.append("d1", [line(`x${i}`), line(`y${i}`)])));
        const read = await logs.read("d1", 0, 100);
        expect(read).toHaveLength(40);
        expectIncreasing(read.map((l) => l.seq));
        // One append's lines stay in their order.
        for (let i = 0; i < 20; i++) {
          const texts = read.map((l) => l.text);
          expect(texts.indexOf(`x${i}`)).toBeLessThan(texts.indexOf(`y${i}`));
        }
      });

      test("a line appended later has a higher seq than every line read before", async (logs) => {
        await logs.append("d1", [line("first")]);
        const before = await logs.read("d1");
        await logs.append("d1", [line("second")]);
        const after = await logs.read("d1", before.at(-1)?.seq);
        expect(after.map((l) => l.text)).toEqual(["second"]);
      });

      test("appending nothing is a no-op", async (logs) => {
        await logs.append("d1", []);
        expect(await logs.read("d1")).toEqual([]);
      });

      test("deleteDeployment removes only that deployment's lines", async (logs) => {
        await logs.append("d1", [line("a")]);
        await logs.append("d2", [line("b")]);
        await logs.deleteDeployment("d1");
        expect(await logs.read("d1")).toEqual([]);
        expect(await logs.read("d2")).toHaveLength(1);
        await logs.deleteDeployment("never-existed");
      });
    },
  );
}
