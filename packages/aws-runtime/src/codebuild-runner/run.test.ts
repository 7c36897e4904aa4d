import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runCodeBuildBuild } from "./run.ts";

const SECRET = "db-password-81f2c";
const TOKEN = "ghp_token9c7d1e";

/** The presigned URLs as a loopback server: the request is served, what the build writes is kept. */
async function bucket(request: unknown) {
  const written = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/request") return res.end(JSON.stringify(request));
    if (req.method === "PUT") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        written.set(req.url ?? "", Buffer.concat(chunks).toString("utf8"));
        res.end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, written, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe("the CodeBuild runner's own failures", () => {
  it("mask the request's secret values and repository credential in the reason it logs and stores", async () => {
    // A request whose deployment id does not match the artifact key: the runner refuses it with a
    // message naming both (a stand-in for any fault around the pipeline that quotes its input).
    const request = {
      deploymentId: `dpl_${SECRET}_${TOKEN}`,
      projectId: "prj_1",
      repoUrl: "https://github.com/a/b.git",
      sha: "0".repeat(40),
      rootDir: ".",
      nodeVersion: "22",
      env: { DATABASE_PASSWORD: SECRET },
      mask: [SECRET],
      repoCredential: { username: "x-access-token", password: TOKEN },
    };
    const store = await bucket(request);
    close = store.close;
    const printed: string[] = [];
    const outcome = await runCodeBuildBuild({
      env: {
        requestUrl: `${store.base}/request`,
        resultUrl: `${store.base}/result`,
        artifactKey: "artifacts/dpl_other.tar",
        artifactUrl: `${store.base}/artifact`,
        cacheGetUrl: `${store.base}/cache`,
        cachePutUrl: `${store.base}/cache`,
        root: "/nonexistent",
        buildId: null,
      },
      openNextConfigPath: "/nonexistent",
      readOnlyPaths: [],
      print: (line) => printed.push(line),
      signal: new AbortController().signal,
    });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining("is not deployment dpl_***_***'s") });
    for (const text of [...printed, store.written.get("/result") ?? ""]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
    }
    expect(JSON.parse(store.written.get("/result") ?? "{}")).toEqual(outcome);
  });
});
