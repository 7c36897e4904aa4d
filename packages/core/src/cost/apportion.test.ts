import { describe, expect, it } from "vitest";
import { apportionSharedCosts } from "./apportion.ts";

const traffic = (rows: Record<string, Record<string, number>>) =>
  new Map(Object.entries(rows).map(([site, days]) => [site, new Map(Object.entries(days))]));

describe("apportionSharedCosts", () => {
  it("splits a day's shared cost by the sites' invocations that day and keeps tagged costs whole", () => {
    const result = apportionSharedCosts(
      [{ date: "2026-11-30", taggedUsd: { shop: 0.5, blog: 0.1 }, sharedUsd: 2 }],
      traffic({ shop: { "2026-11-30": 300 }, blog: { "2026-11-30": 100 } }),
      ["shop", "blog"],
    );
    expect(result.get("shop")).toEqual([{ date: "2026-11-30", taggedUsd: 0.5, sharedUsd: 1.5, invocations: 300 }]);
    expect(result.get("blog")).toEqual([{ date: "2026-11-30", taggedUsd: 0.1, sharedUsd: 0.5, invocations: 100 }]);
  });

  it("splits equally on a day without any invocation, and the shares add up to the shared cost", () => {
    const result = apportionSharedCosts(
      [
        { date: "2026-11-29", taggedUsd: {}, sharedUsd: 1 },
        { date: "2026-11-30", taggedUsd: {}, sharedUsd: 1 },
      ],
      traffic({ a: { "2026-11-30": 1 }, b: { "2026-11-30": 2 } }),
      ["a", "b", "c"],
    );
    expect(result.get("c")?.map((d) => d.sharedUsd)).toEqual([1 / 3, 0]);
    const sum = (date: string) =>
      ["a", "b", "c"].reduce((s, site) => s + (result.get(site)?.find((d) => d.date === date)?.sharedUsd ?? 0), 0);
    expect(sum("2026-11-29")).toBeCloseTo(1, 12);
    expect(sum("2026-11-30")).toBeCloseTo(1, 12);
  });

  it("gives a site known only by its tag (a removed project) its tagged cost and no share", () => {
    const result = apportionSharedCosts(
      [{ date: "2026-11-30", taggedUsd: { gone: 0.25 }, sharedUsd: 1 }],
      traffic({}),
      ["shop"],
    );
    expect(result.get("gone")).toEqual([{ date: "2026-11-30", taggedUsd: 0.25, sharedUsd: 0, invocations: 0 }]);
    expect(result.get("shop")).toEqual([{ date: "2026-11-30", taggedUsd: 0, sharedUsd: 1, invocations: 0 }]);
  });
});
