import { dotenvLine } from "@slipway/core";
import { describe, expect, it } from "vitest";
import { parseDotenv } from "./dotenv.ts";

describe("parseDotenv", () => {
  it("reads back every value env pull writes, multi-line ones included", () => {
    const values = {
      SUBSHELL: "$(touch /tmp/x)",
      SINGLE: "it's $HOME",
      DOUBLE: 'say "hi" \\o/',
      MULTILINE: "one\n\nB=not-a-variable\n",
      HASH: "a # b",
      EMPTY: "",
    };
    const text = `# pulled\n${Object.entries(values)
      .map(([k, v]) => dotenvLine(k, v))
      .join("\n")}\n`;
    expect(Object.fromEntries(parseDotenv(text, ".env").map((v) => [v.key, v.value]))).toEqual(values);
  });

  it("reads hand-written files: export, unquoted values, trailing comments, escapes", () => {
    const text = "export A=plain value # comment\nB=\"x\\ny\"\r\nC='lit\\n' # note\n";
    expect(parseDotenv(text, ".env")).toEqual([
      { key: "A", value: "plain value" },
      { key: "B", value: "x\ny" },
      { key: "C", value: "lit\\n" },
    ]);
  });

  it("names the line of a bad assignment or an unclosed quote", () => {
    expect(() => parseDotenv("A=1\nnonsense\n", ".env")).toThrow(".env:2 is not KEY=value");
    expect(() => parseDotenv("A=1\nB='open\n", ".env")).toThrow(".env:2: the ' quote of B is never closed");
  });
});
