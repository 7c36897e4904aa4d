// Slipway function worker: runs one deployment's OpenNext function (server or image) behind a
// unix socket. Plain .mjs on purpose: no TypeScript loader in the cold-start path.
//
// Protocol with the host:
//   env (not argv, so that one command line fits every worker and a spare sandbox can be started
//   for it ahead of time; see sandbox.ts's WORKER_ENV): SLIPWAY_WORKER_SOCKET, the socket path;
//   SLIPWAY_WORKER_ENTRY, the absolute entry module; SLIPWAY_WORKER_FORWARDS, `<port>=<unix
//   socket>,...`. cwd is the function's bundle folder (as on Lambda). Each forward makes
//   127.0.0.1:<port> inside the worker's own network namespace reach the host service behind
//   <unix socket> (the loopback allowlist and ISR revalidation to the edge); every other host
//   loopback port stays unreachable.
//   fd 3: one JSON line `{"ready":true,"bootMs":n,"importMs":n,"compileCache":s,"codeCache":c}`
//   once listening (or `{"ready":false,"error":s}`); bootMs is node's own start-up, before this
//   script ran; c is `{"warm":n,"cold":n}` (CommonJS modules with and without cached code) or null.
//   Requests: plain HTTP/1.1 over the socket, `x-request-id` set by the host; each becomes an
//   API Gateway v2 event; the response streams back as the function writes it.
import { AsyncLocalStorage } from "node:async_hooks";
import { writeSync } from "node:fs";
import http from "node:http";
import module from "node:module";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import { toApiGatewayV2Event } from "./apigw-event.mjs";
import { installCodeCache } from "./code-cache.mjs";
import { createResponseSink, installLambdaShim, writeBufferedResult } from "./lambda-stream.mjs";
import { installResolutionCache } from "./resolution-cache.mjs";

const bootMs = performance.now();
const {
  SLIPWAY_WORKER_SOCKET: socketPath,
  SLIPWAY_WORKER_ENTRY: entry,
  SLIPWAY_WORKER_FORWARDS: forwards = "",
} = process.env;
// The host's arguments to this script, not the app's environment.
delete process.env.SLIPWAY_WORKER_SOCKET;
delete process.env.SLIPWAY_WORKER_ENTRY;
delete process.env.SLIPWAY_WORKER_FORWARDS;
if (!socketPath || !entry) {
  console.error("[slipway worker] SLIPWAY_WORKER_SOCKET and SLIPWAY_WORKER_ENTRY must be set");
  process.exit(64);
}

// fd 3 is a socket pair with the platform: it closes when the platform dies, even a SIGKILL that
// landed while bubblewrap was still setting up (then --die-with-parent has no parent to watch).
// A worker without its platform serves nobody: it exits. The host also closes it to stop an idle
// worker: process.exit runs Node's exit path, where the compile cache is written.
new net.Socket({ fd: 3, readable: true, writable: false })
  .on("end", () => process.exit(0))
  .on("error", () => process.exit(0))
  .resume();

function report(message) {
  try {
    writeSync(3, `${JSON.stringify(message)}\n`);
  } catch {
    // No control pipe (run by hand): nothing to tell.
  }
}

// Run by hand or without a sandbox, SIGTERM too exits through Node's exit path (its default for
// SIGTERM skips it), so what Node writes at exit, the compile cache or a --cpu-prof, is written.
process.on("SIGTERM", () => process.exit(0));

process.on("uncaughtException", (error) => {
  // A fault in the app must not leave a half-alive worker: die, the host replaces us.
  console.error("[slipway worker] uncaught exception", error);
  process.exit(70);
});

// Console output is tagged with the request it belongs to and its level: one line
// `<WORKER_LOG_MARK>{"r":requestId|null,"l":level,"t":text,"s"?:stack}` per call (see worker-log.ts,
// which parses it; the mark is written there too). An Error among the arguments sends its stack,
// so the platform can record it as an error. Output that bypasses console stays untagged.
const WORKER_LOG_MARK = "\u0001slipway-log\u0001";
const requestContext = new AsyncLocalStorage();
for (const [method, level] of [
  ["log", "info"],
  ["info", "info"],
  ["debug", "debug"],
  ["warn", "warn"],
  ["error", "error"],
]) {
  const out = level === "warn" || level === "error" ? process.stderr : process.stdout;
  console[method] = (...args) => {
    const error = args.find((arg) => arg instanceof Error);
    const record = { r: requestContext.getStore() ?? null, l: level, t: format(...args) };
    if (typeof error?.stack === "string") record.s = error.stack;
    out.write(`${WORKER_LOG_MARK}${JSON.stringify(record)}\n`);
  };
}

installLambdaShim();
// Some bundles (the image loader helpers) read this global as on Lambda.
globalThis.monorepoPackagePath ??= "";

/** Listens on the sandbox's own loopback and pipes each connection to the host's unix socket. */
function listenForward(port, target) {
  const listen = (host) =>
    new Promise((resolve, reject) => {
      const server = net.createServer((inside) => {
        const outside = net.connect(target);
        inside.pipe(outside).pipe(inside);
        inside.on("error", () => outside.destroy());
        outside.on("error", () => inside.destroy());
      });
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
  // IPv4 must work; ::1 only where the namespace has IPv6 (`localhost` may resolve to it).
  return listen("127.0.0.1").then(() => listen("::1").catch(() => {}));
}

try {
  await Promise.all(
    forwards
      .split(",")
      .filter(Boolean)
      .map((spec) => {
        const at = spec.indexOf("=");
        return listenForward(Number(spec.slice(0, at)), spec.slice(at + 1));
      }),
  );
} catch (error) {
  report({ ready: false, error: `loopback forward: ${String(error)}` });
  process.exit(72);
}

// V8's compile cache (Node >= 22.1): the bundle's code is compiled once per deployment, not at
// every cold start. In the deployment's own writable cache dir, so a worker can neither read nor
// poison another deployment's. Older Node has no such API: the worker simply compiles.
let compileCache = "unsupported";
const cacheRoot = process.env.SLIPWAY_CACHE_DIR;
if (typeof module.enableCompileCache === "function" && cacheRoot) {
  const result = module.enableCompileCache(path.join(cacheRoot, ".node-compile-cache"));
  compileCache =
    Object.keys(module.constants?.compileCacheStatus ?? {})
      .find((name) => module.constants.compileCacheStatus[name] === result?.status)
      ?.toLowerCase() ?? String(result?.status);
}

// The bundle's CommonJS (Next itself) with code cached after it ran (code-cache.mjs), and where
// its require() calls resolved (resolution-cache.mjs): written in the same deployment cache dir,
// per Node release (another V8 would reject the code; another Node may resolve differently).
const runCacheDir = cacheRoot ? path.join(cacheRoot, ".code-cache", `${process.version}-${process.arch}`) : null;
const codeCache = runCacheDir ? installCodeCache(process.cwd(), runCacheDir) : null;
const resolutions = runCacheDir ? installResolutionCache(process.cwd(), runCacheDir) : null;
const saveRunCaches = () => {
  codeCache?.save();
  resolutions?.save();
};
// What no request had run yet is cached as it is when the worker exits (the compile cache's way too).
process.on("exit", saveRunCaches);

const started = performance.now();
let handler;
try {
  ({ handler } = await import(pathToFileURL(entry).href));
} catch (error) {
  report({ ready: false, error: String(error?.stack ?? error) });
  process.exit(71);
}
const importMs = performance.now() - started;

const NO_BODY = Buffer.alloc(0);

async function readBody(req) {
  const length = req.headers["content-length"];
  // Most requests (GET, HEAD) have no body: skip the async iteration on the hot path.
  if ((length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined) return NO_BODY;
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function handle(req, res) {
  const body = await readBody(req);
  const requestId = String(req.headers["x-request-id"] ?? "");
  const event = toApiGatewayV2Event({
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress ?? "",
    body,
    requestId,
  });
  const sink = createResponseSink(res);
  const context = {
    awsRequestId: requestId,
    functionName: "slipway",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    responseStream: sink,
  };
  try {
    const result = await handler(event, context);
    // Buffered wrappers (the image function) return the response instead of streaming it.
    if (!sink.touched && result && typeof result === "object" && "statusCode" in result) {
      writeBufferedResult(res, result);
    } else if (!sink.touched) {
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`The function returned no response (request ${requestId})\n`);
    }
    // Otherwise the streaming wrapper owns the stream and ends it itself, possibly after this
    // promise settles (a compression stream may still be flushing): never end it for it.
  } catch (error) {
    console.error("[slipway worker] handler failed", requestId, error);
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`Function error (request ${requestId})\n`);
    } else {
      res.destroy(error);
    }
  }
}

// The first request loads and compiles most of the app's route code (Next requires it lazily):
// flushed once it is answered, so the activation's warm request fills the caches every later cold
// start of this deployment reads.
let flushAfterFirst = compileCache === "enabled" || codeCache !== null || resolutions !== null;
const server = http.createServer((req, res) => {
  const requestId = String(req.headers["x-request-id"] ?? "");
  requestContext.run(requestId || null, () => handle(req, res)).catch((error) => res.destroy(error));
  if (flushAfterFirst) {
    flushAfterFirst = false;
    res.once("close", () =>
      setImmediate(() => {
        module.flushCompileCache?.();
        saveRunCaches();
      }),
    );
  }
});
// The host keeps connections alive; never let Node close them first mid-reuse.
server.keepAliveTimeout = 0;
server.requestTimeout = 0;
server.headersTimeout = 0;
server.listen(socketPath, () => {
  report({
    ready: true,
    bootMs: Math.round(bootMs),
    importMs: Math.round(importMs),
    compileCache,
    codeCache: codeCache ? { ...codeCache.stats } : null,
  });
  // Persist what the import compiled now (Node >= 22.10), not only at exit: a worker that is
  // SIGKILLed or crashes would otherwise leave the next cold start nothing to reuse.
  if (compileCache === "enabled") setImmediate(() => module.flushCompileCache?.());
});
