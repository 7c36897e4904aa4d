import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";

describe("env pull", () => {
  it("renders a dotenv file a shell sources without running anything in it", async () => {
    const { app, store, deps } = await setupApi();
    await store.projects.create({
      id: "p-env",
      name: "envy",
      repoUrl: "https://github.com/acme/envy.git",
      productionBranch: "main",
      rootDir: "",
      installCommand: null,
      buildCommand: null,
      nodeVersion: "22",
      repoCredentialEncrypted: null,
      webhookSecretEncrypted: await deps.secrets.encrypt("whsec"),
      teamId: null,
      createdAt: new Date().toISOString(),
    });
    const dir = await mkdtemp(join(tmpdir(), "slipway-env-pull-"));
    const marker = join(dir, "pwned");
    const values: Record<string, string> = {
      SUBSHELL: `$(touch ${marker})`,
      BACKTICKS: `\`touch ${marker}\``,
      QUOTE: "it's # not a comment",
      DOUBLE: 'say "hi" \\o/',
      MULTILINE: "one\ntwo",
      BOTH_QUOTES: `'"`,
    };
    const headers = { authorization: "Bearer good-token", "content-type": "application/json" };
    const set = await app.request("/api/v1/projects/envy/env", {
      method: "POST",
      headers,
      body: JSON.stringify({
        vars: Object.entries(values).map(([key, value]) => ({ key, value, targets: ["development"] })),
      }),
    });
    expect(set.status).toBe(200);
    const pulled = await app.request("/api/v1/projects/envy/env/pull", { headers });
    const text = await pulled.text();
    const file = join(dir, ".env.local");
    await writeFile(file, text);

    const out = execFileSync("bash", ["-c", 'set -a; . "$0"; env -0', file], { env: {}, encoding: "utf8" });
    const env = Object.fromEntries(
      out.split("\0").map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
    );
    expect(existsSync(marker)).toBe(false);
    for (const key of ["SUBSHELL", "BACKTICKS", "QUOTE", "DOUBLE", "MULTILINE"])
      expect(env[key], key).toBe(values[key]);
    // No line carries both kinds of quote faithfully to a shell and to Next.js: left to the user.
    expect(env.BOTH_QUOTES).toBeUndefined();
    expect(text).toContain("# BOTH_QUOTES has characters");
  });
});
