import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DynamoDbLocal, startDynamoDbLocal } from "../test-support/index.ts";
import { createSiteCostCache } from "./cost-cache.ts";

let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 120_000);
afterAll(async () => {
  await local?.stop();
});

const day = (date: string, taggedUsd: number, sharedUsd: number, invocations = 0) => ({
  date,
  taggedUsd,
  sharedUsd,
  invocations,
});

// The daily cost cache on the Store's table in DynamoDB Local: what the refresh writes is what
// the cost route reads, a day fetched again replaces the earlier numbers, and every day expires.
describe("the site cost cache on DynamoDB", () => {
  it("answers a site's days within the range, oldest first, with the time of the last fetch", async () => {
    const tableName = await local.createStoreTable();
    const cache = createSiteCostCache({ tableName, client: local.client });
    expect(await cache.costOf("shop", "2026-11-01", "2026-11-30")).toEqual({ asOf: null, days: [] });

    await cache.writeDays(
      new Map([
        ["shop", [day("2026-10-31", 9, 9), day("2026-11-02", 0.5, 0.25, 40), day("2026-11-01", 0.1, 0.2, 10)]],
        ["blog", [day("2026-11-01", 7, 7)]],
      ]),
      "2026-12-01T07:00:00.000Z",
    );
    await cache.setState({ asOf: "2026-12-01T07:00:00.000Z", tagsActivatedAt: "2026-11-20T07:00:00.000Z" });

    expect(await cache.costOf("shop", "2026-11-01", "2026-11-30")).toEqual({
      asOf: "2026-12-01T07:00:00.000Z",
      days: [day("2026-11-01", 0.1, 0.2, 10), day("2026-11-02", 0.5, 0.25, 40)],
    });
    expect(await cache.state()).toEqual({
      asOf: "2026-12-01T07:00:00.000Z",
      tagsActivatedAt: "2026-11-20T07:00:00.000Z",
    });
  }, 60_000);

  it("replaces a day fetched again, writes more than one batch, and gives every item a TTL", async () => {
    const tableName = await local.createStoreTable();
    const cache = createSiteCostCache({ tableName, client: local.client, ttlSeconds: 3600 });
    const month = Array.from({ length: 30 }, (_, i) => day(`2026-11-${String(i + 1).padStart(2, "0")}`, 1, 1));
    await cache.writeDays(new Map([["shop", month]]), "2026-12-01T07:00:00.000Z");
    await cache.writeDays(new Map([["shop", [day("2026-11-30", 2, 3, 5)]]]), "2026-12-02T07:00:00.000Z");

    const { days } = await cache.costOf("shop", "2026-11-01", "2026-11-30");
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toEqual(day("2026-11-30", 2, 3, 5));
    const scan = await new DynamoDBClient(local.client).send(new ScanCommand({ TableName: tableName }));
    const now = Date.now() / 1000;
    for (const item of scan.Items ?? []) {
      const expires = Number(item.expiresAtEpoch?.N);
      expect(expires).toBeGreaterThan(now);
      expect(expires).toBeLessThanOrEqual(now + 3601);
    }
  }, 60_000);
});
