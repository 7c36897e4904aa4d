import { expect } from "vitest";
import type { LogLine } from "../../domain/model.ts";
import type { LogStore } from "../log-store.ts";
import { type ContractOptions, defineContract } from "./harness.ts";

const line = (text: string, stream: LogLine["stream"] = "stdout"): Omit<LogLine, "seq"> => ({
  at: "2026-01-01T00:00:00.000Z",
  stream,
  text,
});

/** The LogStore contract: every adapter (SQLite, CloudWatch Logs, …) runs these cases. */
export function runLogStoreContract(options: ContractOptions<LogStore>): void {
  defineContract<LogStore>(
    "LogStore",
    options,
    async () => {},
    (test) => {
      test("append assigns seq 1, 2, 3 … and read returns lines oldest first", async (logs) => {
        await logs.append("d1", [line("installing"), line("warn: peer dep", "stderr")]);
        await logs.append("d1", [line("Build started", "system")]);
        expect(await logs.read("d1")).toEqual([
          { seq: 1, ...line("installing") },
          { seq: 2, ...line("warn: peer dep", "stderr") },
          { seq: 3, ...line("Build started", "system") },
        ]);
      });

      test("read after a seq, with a limit, pages through the log", async (logs) => {
        await logs.append(
          "d1",
          Array.from({ length: 10 }, (_, i) => line(`line ${i + 1}`)),
        );
        const page = await logs.read("d1", 3, 4);
        expect(page.map((l) => l.seq)).toEqual([4, 5, 6, 7]);
        expect(page[0]?.text).toBe("line 4");
        expect(await logs.read("d1", 10)).toEqual([]);
      });

      test("seq is per deployment", async (logs) => {
        await logs.append("d1", [line("a")]);
        await logs.append("d2", [line("b")]);
        await logs.append("d1", [line("c")]);
        expect((await logs.read("d1")).map((l) => [l.seq, l.text])).toEqual([
          [1, "a"],
          [2, "c"],
        ]);
        expect((await logs.read("d2")).map((l) => l.seq)).toEqual([1]);
      });

      test("concurrent appends get distinct, gapless seqs", async (logs) => {
        await Promise.all(Array.from({ length: 20 }, (_, i) => logs.append("d1", [line(`x${i}`), line(`y${i}`)])));
        const seqs = (await logs.read("d1", 0, 100)).map((l) => l.seq);
        expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
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
