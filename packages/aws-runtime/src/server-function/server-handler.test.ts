import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMemorySecrets } from "@slipway/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  functionUrlEvent,
  installAwsLambdaGlobal,
  invokeFunctionUrl,
} from "../test-support/lambda-streaming-runtime.ts";
import { openServerEnv, sealServerEnv } from "./env-snapshot.ts";
import { ORIGIN_SECRET_HEADER } from "./origin-secret.ts";
import { createServerHandler } from "./server-handler.ts";

/**
 * The server function's handler with the process's own console and streams (what Lambda sends to
 * CloudWatch), the sealed env opened from a blob as the Deployer seals it, and a stand-in for
 * OpenNext's index.mjs: an app that prints its secrets at import, with console.* and raw writes.
 */
const TOKEN = "tok_live_4f9a8c1e";
const DATABASE_URL = "postgres://app:pa55word@db.internal/shop";
const ORIGIN = "from-cloudfront";
const LOCATION = { bucket: "code", key: "deployments/dpl_1/server-env", kmsKeyId: "key" };
const METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

const APP = `
console.log("loaded with token %s", process.env.API_TOKEN);
export async function handler(event, responseStream) {
  console.info("token", process.env.API_TOKEN, { url: process.env.DATABASE_URL });
  console.error(\`connecting to \${process.env.DATABASE_URL}\`);
  console.warn("greeting:", process.env.GREETING, "flag:", process.env.FLAG);
  process.stdout.write(\`raw \${process.env.API_TOKEN}\\n\`);
  process.stderr.write(Buffer.from(\`bytes \${process.env.DATABASE_URL}\\n\`));
  const stream = globalThis.awslambda.HttpResponseStream.from(responseStream, { statusCode: 200 });
  stream.end(process.env.API_TOKEN);
}
`;

let work: string;
const printed: string[] = [];
const saved = { console: { ...console }, stdout: process.stdout.write, stderr: process.stderr.write };
const envBefore = { ...process.env };
let handler: unknown;

beforeAll(async () => {
  installAwsLambdaGlobal();
  work = await mkdtemp(join(tmpdir(), "slipway-server-handler-"));
  await writeFile(join(work, "index.mjs"), APP);
  for (const name of ["API_TOKEN", "DATABASE_URL", "GREETING", "FLAG"]) delete process.env[name];
  // What reaches CloudWatch, captured below the masking (which wraps whatever is there).
  for (const name of METHODS) console[name] = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  const capture = (chunk: unknown) => printed.push(Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk)) > 0;
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;

  const secrets = createMemorySecrets();
  const sealed = await sealServerEnv(secrets, {
    env: { API_TOKEN: TOKEN, DATABASE_URL, GREETING: "hello", FLAG: "1" },
    // FLAG is a one-character secret: too short to mask (it would shred every line), as locally.
    mask: [TOKEN, DATABASE_URL, "1"],
  });
  handler = createServerHandler({
    originSecret: ORIGIN,
    loadEnv: () => openServerEnv(secrets, sealed, LOCATION),
    openNextUrl: pathToFileURL(join(work, "index.mjs")).href,
  });
});

afterAll(async () => {
  Object.assign(console, saved.console);
  process.stdout.write = saved.stdout;
  process.stderr.write = saved.stderr;
  process.env = envBefore;
  await rm(work, { recursive: true, force: true });
});

describe("the server function's console output on Lambda", () => {
  it("masks the deployment's secret values in console lines and raw writes, from the app's import on", async () => {
    const response = await invokeFunctionUrl(
      handler,
      functionUrlEvent({ path: `/search/${TOKEN}`, headers: { [ORIGIN_SECRET_HEADER]: ORIGIN } }),
    );
    expect(response.statusCode).toBe(200);
    // The app's own answer is its business: only what it prints is masked.
    expect(response.text).toBe(TOKEN);

    const output = printed.join("\n");
    expect(output).toContain("loaded with token ***");
    expect(output).toContain("token *** { url: '***' }");
    expect(output).toContain("connecting to ***");
    expect(output).toContain("raw ***");
    expect(output).toContain("bytes ***");
    expect(output).toContain("greeting: hello flag: 1");
    // The request log line (raw stdout) carries the path: masked too, as the local request log is.
    expect(output).toContain('"path":"/search/***"');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain("pa55word");
  });

  it("refuses a sealed env that is not { env, mask }", async () => {
    const secrets = createMemorySecrets();
    const flat = await secrets.encrypt(JSON.stringify({ API_TOKEN: TOKEN }));
    await expect(openServerEnv(secrets, flat, LOCATION)).rejects.toThrow(
      "s3://code/deployments/dpl_1/server-env is not { env",
    );
  });
});
