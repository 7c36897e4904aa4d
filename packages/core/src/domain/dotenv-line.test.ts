import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEnvConfig } from "@next/env";
import { describe, expect, it } from "vitest";
import { dotenvLine } from "./dotenv-line.ts";

/** Values that break naive quoting; `MARKER` is replaced by a file that must never be created. */
const HOSTILE: Record<string, string> = {
  SUBSHELL: "$(touch MARKER)",
  BACKTICKS: "`touch MARKER`",
  SINGLE: "it's",
  SINGLE_AND_SUBSHELL: "it's $(touch MARKER)",
  DOUBLE: 'say "hi"',
  BACKSLASH: "C:\\path\\",
  BACKSLASH_N: "not\\na newline",
  NEWLINES: "line one\nline two\n\nB=injected",
  HASH: "#not a comment",
  HASH_AFTER_SPACE: "value # still value",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${NAME} is the point of the case
  DOLLAR_NAME: "$HOME and ${PATH}",
  DOLLAR_ALONE: "costs $5 or $",
  SPACES: "  padded  ",
  EMPTY: "",
  EQUALS: "a=b=c",
  UNICODE: "héllo ✓",
  SEMICOLON: "x; touch MARKER",
};

async function writeDotenv(values: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "slipway-dotenv-"));
  const marker = join(dir, "pwned");
  const expected: Record<string, string> = {};
  const lines: string[] = [];
  for (const [key, raw] of Object.entries(values)) {
    const value = raw.replaceAll("MARKER", marker);
    const line = dotenvLine(key, value);
    expect(line, key).not.toBeNull();
    lines.push(line as string);
    expected[key] = value;
  }
  // `.env`: the one file @next/env reads in every mode (vitest runs with NODE_ENV=test, which skips
  // .env.local); the parser is the same for all of them.
  await writeFile(join(dir, ".env"), `${lines.join("\n")}\n`);
  return { dir, file: join(dir, ".env"), marker, expected };
}

/** Sources the file in `shell` with `set -a` and returns the variables it exported. */
function sourced(shell: string, file: string): Record<string, string> {
  const out = execFileSync(shell, ["-c", 'set -a; . "$0"; env -0', file], { env: {}, encoding: "utf8" });
  return Object.fromEntries(
    out
      .split("\0")
      .filter(Boolean)
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}

describe("dotenvLine", () => {
  it.each(["bash", "sh"])("writes values %s reads back exactly, running nothing", async (shell) => {
    const { file, marker, expected } = await writeDotenv(HOSTILE);
    const env = sourced(shell, file);
    for (const [key, value] of Object.entries(expected)) expect(env[key], key).toBe(value);
    expect(existsSync(marker)).toBe(false);
  });

  it("writes values Next.js (@next/env: dotenv + dotenv-expand) reads back exactly", async () => {
    const { dir, expected } = await writeDotenv(HOSTILE);
    for (const key of Object.keys(expected)) delete process.env[key];
    try {
      const silent = { info: () => {}, error: () => {} };
      const { parsedEnv } = loadEnvConfig(dir, true, silent, true);
      for (const [key, value] of Object.entries(expected)) expect(parsedEnv?.[key], key).toBe(value);
    } finally {
      for (const key of Object.keys(expected)) delete process.env[key];
    }
  });

  it.each([
    ["a carriage return", "a\rb"],
    ["a quote and a backslash", "it's C:\\"],
    ["both kinds of quote", `'"'`],
    ["an expandable name and a backtick", "$HOME`"],
  ])("gives up on a value with %s rather than write it wrongly", (_, value) => {
    expect(dotenvLine("KEY", value)).toBeNull();
  });
});
