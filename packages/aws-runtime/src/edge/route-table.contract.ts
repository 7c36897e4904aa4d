import { type ContractOptions, defineContract } from "@slipway/core/contracts";
import { expect } from "vitest";
import { decodeDeploymentOrigins, decodeHostTarget, KVS_VALUE_LIMIT, MAX_EDGE_ROUTES } from "./route-encoding.ts";
import type { DeploymentOrigins, EdgeRouteTable } from "./route-table.ts";

/** A table under test and a view of what the viewer-request function would read from it. */
export interface RouteTableSubject {
  readonly table: EdgeRouteTable;
  /** The store's raw entries (key → value) after the writes so far. */
  entries(): Promise<ReadonlyMap<string, string>>;
}

export const sampleOrigins = (id: string): DeploymentOrigins => ({
  server: `s${id}.lambda-url.eu-west-1.on.aws`,
  image: `i${id}.lambda-url.eu-west-1.on.aws`,
  assets: `assets/${id}`,
  publicFiles: ["favicon.ico", "images"],
});

/** The EdgeRouteTable contract: every adapter (KeyValueStore, in memory) runs these cases. */
export function runEdgeRouteTableContract(options: ContractOptions<RouteTableSubject>): void {
  defineContract(
    "EdgeRouteTable",
    options,
    async () => {},
    (test) => {
      test("a deployment's origins are stored under d:<id>, readable as written", async ({ table, entries }) => {
        await table.putDeployment("dep0000001", sampleOrigins("dep0000001"));
        const value = (await entries()).get("d:dep0000001");
        expect(value && decodeDeploymentOrigins(value)).toEqual(sampleOrigins("dep0000001"));
      });

      test("a hostname's target is stored under h:<host>, lowercased, canary included", async ({ table, entries }) => {
        await table.putHost("Shop.Example.COM.", {
          deploymentId: "dep0000001",
          canary: { deploymentId: "dep0000002", percent: 10 },
        });
        const value = (await entries()).get("h:shop.example.com");
        expect(value && decodeHostTarget(value)).toEqual({
          deploymentId: "dep0000001",
          canary: { deploymentId: "dep0000002", percent: 10 },
        });
      });

      test("a second put replaces the first (a rollback is one put)", async ({ table, entries }) => {
        await table.putHost("shop.example.com", { deploymentId: "dep0000002" });
        await table.putHost("shop.example.com", { deploymentId: "dep0000001" });
        expect(decodeHostTarget((await entries()).get("h:shop.example.com") ?? "")).toEqual({
          deploymentId: "dep0000001",
        });
      });

      test("edge-runtime routes are stored by path and function URL id, and read back whole", async ({
        table,
        entries,
      }) => {
        // Real function URL ids are 32 characters: the most routes the AWS target allows fit in 1 KB.
        const edge = Array.from({ length: MAX_EDGE_ROUTES }, (_, i) => ({
          path: i === 0 ? "/hello/[name]" : `/api/route-${i}`,
          origin: `${String(i).padStart(32, "e")}.lambda-url.eu-west-1.on.aws`,
        }));
        const origins = {
          ...sampleOrigins("dep0000001"),
          server: `${"s".repeat(32)}.lambda-url.eu-west-1.on.aws`,
          image: `${"i".repeat(32)}.lambda-url.eu-west-1.on.aws`,
          edge,
        };
        await table.putDeployment("dep0000001", origins);
        const value = (await entries()).get("d:dep0000001") ?? "";
        expect(JSON.parse(value).e[0]).toEqual(["/hello/[name]", `${"e".repeat(31)}0`]);
        expect(decodeDeploymentOrigins(value)).toEqual(origins);
        expect(Buffer.byteLength(value)).toBeLessThan(KVS_VALUE_LIMIT - 100);
      });

      test("edge routes the function could not match or reach are refused, naming them", async ({ table, entries }) => {
        const origin = "e1.lambda-url.eu-west-1.on.aws";
        const put = (edge: { path: string; origin: string }[]) =>
          table.putDeployment("dep0000001", { ...sampleOrigins("dep0000001"), edge });
        const many = Array.from({ length: MAX_EDGE_ROUTES + 1 }, (_, i) => ({ path: `/r${i}`, origin }));
        await expect(put(many)).rejects.toMatchObject({
          code: "INVALID_EDGE_ROUTE",
          message: expect.stringContaining(`${MAX_EDGE_ROUTES + 1} edge-runtime route paths (/r0, /r1`),
        });
        await expect(put([{ path: "/:path*", origin }])).rejects.toMatchObject({
          message: expect.stringContaining('"/:path*"'),
        });
        await expect(put([{ path: "/og", origin: "evil.example.com" }])).rejects.toMatchObject({
          message: expect.stringContaining("evil.example.com"),
        });
        await expect(put([{ path: "/og", origin: "e1.lambda-url.us-east-1.on.aws" }])).rejects.toMatchObject({
          message: expect.stringContaining("outside the server function's region"),
        });
        const long = Array.from({ length: 8 }, (_, i) => ({ path: `/${"x".repeat(100)}${i}`, origin }));
        await expect(put(long)).rejects.toMatchObject({
          message: expect.stringContaining(`limit is ${KVS_VALUE_LIMIT}`),
        });
        expect((await entries()).size).toBe(0);
      });

      test("deletes remove the entry and deleting an absent one succeeds", async ({ table, entries }) => {
        await table.putHost("shop.example.com", { deploymentId: "dep0000001" });
        await table.putDeployment("dep0000001", sampleOrigins("dep0000001"));
        await table.deleteHost("shop.example.com");
        await table.deleteDeployment("dep0000001");
        await table.deleteHost("shop.example.com");
        await table.deleteDeployment("never00001");
        expect([...(await entries()).keys()]).toEqual([]);
      });

      test("values the store would refuse are refused with INVALID_EDGE_ROUTE, naming the value", async ({
        table,
        entries,
      }) => {
        const many = Array.from({ length: 120 }, (_, i) => `file-${i}.txt`);
        await expect(
          table.putDeployment("dep0000001", { ...sampleOrigins("dep0000001"), publicFiles: many }),
        ).rejects.toMatchObject({
          code: "INVALID_EDGE_ROUTE",
          message: expect.stringContaining(`limit is ${KVS_VALUE_LIMIT}`),
        });
        await expect(
          table.putDeployment("dep0000001", { ...sampleOrigins("dep0000001"), server: "evil.example.com" }),
        ).rejects.toMatchObject({ code: "INVALID_EDGE_ROUTE", message: expect.stringContaining("evil.example.com") });
        await expect(
          table.putHost(`${"a".repeat(300)}.example.com`, { deploymentId: "dep0000001" }),
        ).rejects.toMatchObject({
          code: "INVALID_EDGE_ROUTE",
        });
        await expect(
          table.putHost("shop.example.com", {
            deploymentId: "dep0000001",
            canary: { deploymentId: "dep0000002", percent: 101 },
          }),
        ).rejects.toMatchObject({ code: "INVALID_EDGE_ROUTE", message: expect.stringContaining("101") });
        expect((await entries()).size).toBe(0);
      });
    },
  );
}
