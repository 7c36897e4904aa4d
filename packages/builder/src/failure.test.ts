import { describe, expect, it } from "vitest";
import { explainFailure, type NumberedLine } from "./failure.ts";

/** A step's output as the build log numbers it, starting at `first`. */
const numbered = (text: string, first = 1): NumberedLine[] =>
  text.split("\n").map((line, i) => ({ line: first + i, text: line }));

// Excerpts as Next 16, OpenNext 4, npm 10 and Node 22 print them (paths shortened).
describe("explainFailure names the cause, not the wrapper", () => {
  it("a missing module, with the file that imports it, under Turbopack's and OpenNext's wrappers", () => {
    const log = numbered(
      [
        "   ▲ Next.js 16.4.6 (Turbopack)",
        "   Creating an optimized production build ...",
        "",
        "> Build error occurred",
        "Error: Turbopack build failed with 1 errors:",
        "./app/page.js:2:1",
        "\u001b[31mModule not found: Can't resolve './this-module-does-not-exist'\u001b[39m",
        "  1 | import Link from 'next/link';",
        "> 2 | import Missing from './this-module-does-not-exist';",
        "    | ^",
        "",
        "https://nextjs.org/docs/messages/module-not-found",
        "",
        "    at <unknown> (./app/page.js:2:1)",
        "ERROR Error: Command failed: npm run build",
        "Error: Command failed: npm run build",
        "    at genericNodeError (node:internal/errors:983:15)",
        "    at checkExecSyncError (node:child_process:891:11)",
      ].join("\n"),
      40,
    );
    expect(explainFailure(log)).toBe(
      "Module not found: Can't resolve './this-module-does-not-exist' (./app/page.js:2:1) (log line 46)",
    );
  });

  it("OpenNext's edge runtime refusal, not the source line Node quotes above it", () => {
    const log = numbered(
      [
        "┌─────────────────────────────┐",
        "│ OpenNext — Generating bundle │",
        "└─────────────────────────────┘",
        "Bundling middleware function...",
        "Bundling static assets...",
        "Bundling cache assets...",
        "Building server function: default...",
        "file:///slipway/node_modules/@opennextjs/aws/dist/build/copyTracedFiles.js:128",
        "                throw new Error(`",
        "                      ^",
        "",
        "Error: ",
        "--------------------------------------------------------------------------------",
        "app/og/route cannot use the edge runtime.",
        "OpenNext requires edge runtime function to be defined in a separate function.",
        "See the docs for more information on how to bundle edge runtime functions.",
        "--------------------------------------------------------------------------------",
        "",
        "    at copyTracedFiles (file:///slipway/node_modules/@opennextjs/aws/dist/build/copyTracedFiles.js:128:23)",
        "",
        "Node.js v22.12.0",
      ].join("\n"),
      120,
    );
    expect(explainFailure(log)).toBe("app/og/route cannot use the edge runtime (log line 133)");
  });

  it("a next/font download", () => {
    const log = numbered(
      [
        "   Creating an optimized production build ...",
        "Failed to compile.",
        "",
        "app/layout.js",
        "`next/font` error:",
        "Failed to fetch `Inter` from Google Fonts.",
        "",
        "",
        "> Build failed because of webpack errors",
        "Error: Command failed: npm run build",
      ].join("\n"),
    );
    expect(explainFailure(log)).toBe("next/font: Failed to fetch `Inter` from Google Fonts. (log line 6)");
  });

  it("a type error, with its file", () => {
    const log = numbered(
      [
        "   Linting and checking validity of types ...",
        "Failed to compile.",
        "",
        "./app/page.tsx:3:7",
        "Type error: Type 'number' is not assignable to type 'string'.",
        "",
        "  1 | export default function Page() {",
        "  2 |   // a comment",
        "> 3 |   const title: string = 42;",
        "    |       ^",
        "Next.js build worker exited with code: 1 and signal: null",
        "Error: Command failed: npm run build",
      ].join("\n"),
    );
    expect(explainFailure(log)).toBe(
      "Type error: Type 'number' is not assignable to type 'string'. (./app/page.tsx:3:7) (log line 5)",
    );
  });

  it("a fetch to a host that does not resolve while prerendering, naming the host and the page", () => {
    const log = numbered(
      [
        "   Generating static pages (0/5) ...",
        'Error occurred prerendering page "/". Read more: https://nextjs.org/docs/messages/prerender-error',
        "TypeError: fetch failed",
        "    at node:internal/deps/undici/undici:13510:13",
        "    at async Home (.next/server/app/page.js:1:2345) {",
        "  [cause]: Error: getaddrinfo ENOTFOUND api.example.invalid",
        "      at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:120:26) {",
        "    errno: -3008,",
        "    code: 'ENOTFOUND',",
        "    syscall: 'getaddrinfo',",
        "    hostname: 'api.example.invalid'",
        "  }",
        "}",
        "Export encountered an error on /page: /, exiting the build.",
        " ⨯ Next.js build worker exited with code: 1 and signal: null",
      ].join("\n"),
      200,
    );
    expect(explainFailure(log)).toBe(
      "fetch failed: getaddrinfo ENOTFOUND api.example.invalid (prerendering /) (log line 205)",
    );
  });

  it("npm's own message rather than its error code", () => {
    const log = numbered(
      [
        "npm error code E404",
        "npm error 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found",
        "npm error 404",
        "npm error 404  'left-padd@^1.3.0' is not in this registry.",
        "npm error A complete log of this run can be found in: /tmp/npm-cache/_logs/2026-11-30T16_50_01_000Z-debug-0.log",
      ].join("\n"),
    );
    expect(explainFailure(log)).toBe(
      "npm: 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found (log line 2)",
    );
  });

  it("npm ERR! from older npm, a lockfile out of sync", () => {
    const log = numbered(
      [
        "npm ERR! code EUSAGE",
        "npm ERR! ",
        "npm ERR! `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.",
        "npm ERR! ",
        "npm ERR! Missing: left-pad@1.3.0 from lock file",
      ].join("\n"),
    );
    expect(explainFailure(log)).toMatch(/^npm: `npm ci` can only install packages when your package\.json and/);
    expect(explainFailure(log)).toMatch(/\(log line 3\)$/);
  });

  it("a registry that does not resolve, through npm", () => {
    const log = numbered(
      [
        "npm error code ENOTFOUND",
        "npm error syscall getaddrinfo",
        "npm error errno ENOTFOUND",
        "npm error network request to https://registry.corp.invalid/next failed, reason: getaddrinfo ENOTFOUND registry.corp.invalid",
        "npm error network This is a problem related to network connectivity.",
      ].join("\n"),
    );
    expect(explainFailure(log)).toBe("getaddrinfo ENOTFOUND registry.corp.invalid (log line 1)");
  });

  it("git's fatal line when a clone fails", () => {
    const log = numbered(
      [
        "Cloning into '/builds/dpl_1/repo'...",
        "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
      ].join("\n"),
      3,
    );
    expect(explainFailure(log)).toBe(
      "fatal: could not read Username for 'https://github.com': terminal prompts disabled (log line 4)",
    );
  });

  it("falls back to the first line that reads like an error, and to null", () => {
    expect(explainFailure(numbered("compiling\nsomething failed badly\nError: Command failed: npm run build"))).toBe(
      "something failed badly (log line 2)",
    );
    expect(explainFailure(numbered("all good\n"))).toBeNull();
  });

  it("leaves out the line number of a line the log cut", () => {
    expect(explainFailure([{ line: null, text: "Module not found: Can't resolve 'x'" }])).toBe(
      "Module not found: Can't resolve 'x'",
    );
  });
});
