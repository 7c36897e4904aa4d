import { describe, expect, it } from "vitest";
import type { EnvVar } from "../domain/model.ts";
import { ENV_VALUE_MAX_BYTES, validateEnvKey, validateEnvTotal, validateEnvValue } from "./env-rules.ts";
import { selectEnvVars } from "./env-snapshot.ts";

describe("env var rules", () => {
  it("accepts ordinary names", () => {
    expect(validateEnvKey("DATABASE_URL")).toBe("DATABASE_URL");
    expect(validateEnvKey("NEXT_PUBLIC_GREETING")).toBe("NEXT_PUBLIC_GREETING");
  });

  it.each([
    ["1ABC", "INVALID_ENV_KEY"],
    ["WITH-DASH", "INVALID_ENV_KEY"],
    ["NODE_OPTIONS", "RESERVED_ENV_KEY"],
    ["PATH", "RESERVED_ENV_KEY"],
    ["SLIPWAY_ENV", "RESERVED_ENV_KEY"],
    ["aws_region", "RESERVED_ENV_KEY"],
  ])("rejects %s with %s, naming it", (key, code) => {
    expect(() => validateEnvKey(key)).toThrow(expect.objectContaining({ code, message: expect.stringContaining(key) }));
  });

  it("limits value and total size", () => {
    expect(() => validateEnvValue("BIG", "x".repeat(ENV_VALUE_MAX_BYTES + 1))).toThrow(/BIG is 65537 bytes/);
    expect(() => validateEnvValue("NUL", "a\0b")).toThrow(/NUL byte/);
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`K${i}`, "x".repeat(60_000)]));
    expect(() => validateEnvTotal(many)).toThrow(/add up to/);
  });
});

describe("selectEnvVars", () => {
  const v = (key: string, targets: EnvVar["targets"], branch: string | null, id = key + branch): EnvVar => ({
    id,
    projectId: "p",
    key,
    valueEncrypted: `${key}:${branch}`,
    targets,
    branch,
    secret: false,
    createdAt: "",
    updatedAt: "",
  });
  const all = [
    v("A", ["production"], null),
    v("A", ["preview"], null),
    v("A", ["preview"], "feat"),
    v("B", ["development"], null),
  ];

  it("picks the target's values, with branch overrides only for that branch's previews", () => {
    expect(selectEnvVars(all, "production", "main").map((x) => x.valueEncrypted)).toEqual(["A:null"]);
    expect(selectEnvVars(all, "preview", "other").map((x) => x.valueEncrypted)).toEqual(["A:null"]);
    expect(selectEnvVars(all, "preview", "feat").map((x) => x.valueEncrypted)).toEqual(["A:feat"]);
    expect(selectEnvVars(all, "development", null).map((x) => x.key)).toEqual(["B"]);
  });
});

describe("setEnvVars total limit", () => {
  it("counts the stored values' real size, so many calls cannot creep past the limit", async () => {
    const { setEnvVars } = await import("./env-vars.ts");
    const rows: EnvVar[] = [];
    const deps = {
      secrets: { encrypt: async (v: string) => `enc:${v}`, decrypt: async (v: string) => v.slice(4) },
      store: {
        envVars: {
          listByProject: async () => [...rows],
          upsert: async (v: EnvVar) => {
            rows.push(v);
          },
        },
      },
    } as never;
    const project = { id: "p", name: "shop" } as never;
    const big = "x".repeat(60_000);
    for (let i = 0; i < 17; i++)
      await setEnvVars(deps, project, [{ key: `K${i}`, value: big, targets: ["production"] }]);
    await expect(setEnvVars(deps, project, [{ key: "K17", value: big, targets: ["production"] }])).rejects.toThrow(
      /add up to/,
    );
  });
});
