import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, runCli, startTestApi, type TestApi } from "./test-support/api-server.ts";

// The real `slipway` binary, spawned, against the real API on a loopback port.
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe("slipway command line", () => {
  it("takes global flags before or after the command", async () => {
    const before = await api.cli(["--json", "projects", "ls"]);
    const after = await api.cli(["projects", "ls", "--json"]);
    expect(before).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(before.stdout)).toEqual([expect.objectContaining({ name: "site" })]);
    expect(after).toEqual(before);
    const flagFirst = await api.cli(["--project", "site", "deployments", "ls", "--json"]);
    expect(flagFirst).toMatchObject({ code: 0, stderr: "" });
  });

  it("creates a project on the Node.js version --node names, and refuses an unsupported one naming it", async () => {
    const repo = "https://github.com/acme/fresh.git";
    const created = await api.cli(["projects", "create", "fresh", "--repo", repo, "--node", "24", "--json"]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(created.stdout)).toMatchObject({ name: "fresh", nodeVersion: "24" });
    const human = await api.cli(["projects", "create", "plain", "--repo", repo]);
    expect(human.stdout).toContain("Node.js 22");
    const old = await api.cli(["projects", "create", "old", "--repo", repo, "--node", "18"]);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/^Error: Node.js version "18" is not supported.\nHint: Use one of 20, 22, 24/);
  });

  it("sends a JSON body and reads the answer (env add, then env ls)", async () => {
    const added = await api.cli(["env", "add", "GREETING", "héllo wörld", "--project", "site", "--target", "preview"]);
    expect(added).toMatchObject({ code: 0, stderr: "" });
    const listed = await api.cli(["env", "ls", "--project", "site", "--json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: "GREETING", value: "héllo wörld" })]),
    );
  });

  it.each([
    [["projects", "lss"], 'Error: Unknown command "projects lss".', "Usage: slipway COMMAND"],
    [[], "Error: No command given.", "Usage: slipway COMMAND"],
    [
      ["projects", "ls", "--bogus"],
      "Error: Unknown option '--bogus' (slipway projects ls).",
      "Usage: slipway projects ls",
    ],
    [
      ["logs"],
      "Error: A deployment id (build log) or --project NAME (runtime logs) is required.",
      "Usage: slipway logs DEPLOYMENT_ID [--follow]",
    ],
    [["deploy", "--project"], "--project <value>' argument missing", "Usage: slipway deploy --project NAME"],
    [["promote", "a", "b"], 'Error: Unexpected argument "b".', "Usage: slipway promote DEPLOYMENT_ID"],
    [
      ["promote", "a", "--canary", "ten"],
      'Error: --canary takes a whole percentage such as 10, not "ten".',
      "Usage: slipway promote DEPLOYMENT_ID [--canary PERCENT]",
    ],
  ])("exits 2 on the usage error %j with a one-line usage hint", async (args, error, usage) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const [first, second, ...rest] = result.stderr.split("\n");
    expect(first).toContain(error);
    expect(second).toContain(usage);
    expect(rest.join("")).toBe("");
  });

  it("prints the API's error code, message and hint, exit 1", async () => {
    const human = await api.cli(["logs", "dpl_missing"]);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^Error: .*dpl_missing.*\nHint: .+\n$/);
    const json = await api.cli(["logs", "dpl_missing", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: "DEPLOYMENT_NOT_FOUND",
        message: expect.stringContaining("dpl_missing"),
        hint: expect.any(String),
      },
    });
    const unauthorized = await api.cli(["projects", "ls", "--json"], { env: { SLIPWAY_TOKEN: "wrong" } });
    expect(JSON.parse(unauthorized.stderr).error.code).toBe("UNAUTHORIZED");
  });

  it("names the flag and the variable of a bad setting, without a stack trace", async () => {
    const result = await runCli(["up", "--port", "abc"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--port "abc" (or SLIPWAY_PORT) must be a port number 1-65535');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("stops quietly when the reader of its output goes away (| head)", async () => {
    await api.createDeployment("dpl_long", "ready");
    const lines = Array.from({ length: 20_000 }, (_, i) => ({
      at: new Date().toISOString(),
      stream: "stdout" as const,
      text: `line ${i} ${"x".repeat(60)}`,
    }));
    await api.deps.logs.append("dpl_long", lines);
    const child = spawn(process.execPath, [CLI, "logs", "dpl_long"], {
      env: { PATH: process.env.PATH ?? "", SLIPWAY_URL: api.url, SLIPWAY_TOKEN: "cli-test-token" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // Like `head -1`: read the first chunk, then close the pipe.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
