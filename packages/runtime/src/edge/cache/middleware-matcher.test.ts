import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMiddlewareMatcher } from "./middleware-matcher.ts";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-mw-"));
});
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

async function manifests(serverDir: string, edge: unknown, node: unknown = { version: 1, functions: {} }) {
  await fs.mkdir(serverDir, { recursive: true });
  await fs.writeFile(path.join(serverDir, "middleware-manifest.json"), JSON.stringify(edge));
  await fs.writeFile(path.join(serverDir, "functions-config-manifest.json"), JSON.stringify(node));
}
const edgeMiddleware = (matchers?: unknown[]) => ({ middleware: { "/": matchers ? { matchers } : {} } });

describe("middleware matcher: paths the edge cache must leave to the worker", () => {
  it("matches nothing without middleware, the build's matchers otherwise", async () => {
    await manifests(path.join(dir, "a/.next/server"), { middleware: {} });
    const none = await loadMiddlewareMatcher(path.join(dir, "a"));
    expect(none("/anything")).toBe(false);
    const ssr = "^(?:\\/(_next\\/data\\/[^/]{1,}))?\\/ssr(\\.json|\\.rsc|\\.segments\\/.+\\.segment\\.rsc)?[\\/#\\?]?$";
    await manifests(path.join(dir, "b/.next/server"), edgeMiddleware([{ regexp: ssr }]));
    const some = await loadMiddlewareMatcher(path.join(dir, "b"));
    expect(some("/ssr")).toBe(true);
    expect(some("/_next/data/b1/ssr.json")).toBe(true);
    expect(some("/isr")).toBe(false);
  });

  it("reads Node.js middleware (Next 16 proxy) and a monorepo app's folder", async () => {
    await manifests(
      path.join(dir, "apps/web/.next/server"),
      { middleware: {} },
      {
        version: 1,
        functions: { "/_middleware": { runtime: "nodejs", matchers: [{ regexp: "^/admin(?:/.*)?$" }] } },
      },
    );
    const matcher = await loadMiddlewareMatcher(dir);
    expect(matcher("/admin/users")).toBe(true);
    expect(matcher("/")).toBe(false);
  });

  it("assumes middleware runs everywhere when it cannot tell safely", async () => {
    expect((await loadMiddlewareMatcher(path.join(dir, "missing")))("/")).toBe(true);
    const cases = [
      edgeMiddleware(), // no matcher config: every path
      edgeMiddleware([{ regexp: "^/(a+)+$" }]), // catastrophic backtracking shape
      edgeMiddleware([{ regexp: "^/x$", has: [{ type: "cookie", key: "session" }] }]),
      edgeMiddleware([{ regexp: 42 }]),
    ];
    for (const [i, edge] of cases.entries()) {
      await manifests(path.join(dir, `c${i}/.next/server`), edge);
      expect((await loadMiddlewareMatcher(path.join(dir, `c${i}`)))("/other")).toBe(true);
    }
    await fs.mkdir(path.join(dir, "bad/.next/server"), { recursive: true });
    await fs.writeFile(path.join(dir, "bad/.next/server/middleware-manifest.json"), "{not json");
    expect((await loadMiddlewareMatcher(path.join(dir, "bad")))("/other")).toBe(true);
  });
});
