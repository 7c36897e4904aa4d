import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { freePort } from "./dynamodb-local.ts";

/** s3rver (an S3 emulator) in a child process: it needs Node's legacy OpenSSL provider for paged listings. */
export interface S3rver {
  readonly client: S3ClientConfig;
  stop(): Promise<void>;
}

const RUNNER = `
import S3rver from "s3rver";
const [directory, port] = process.argv.slice(-2);
await new S3rver({ address: "127.0.0.1", port: Number(port), directory, silent: true }).run();
process.stdout.write("ready\\n");
`;

export async function startS3rver(): Promise<S3rver> {
  const directory = await mkdtemp(join(tmpdir(), "slipway-s3rver-"));
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    ["--openssl-legacy-provider", "--input-type=module", "-e", RUNNER, directory, String(port)],
    // From this package, so `s3rver` resolves from its node_modules.
    { cwd: dirname(fileURLToPath(import.meta.url)), stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join("").includes("ready")) resolve();
    });
    child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}):\n${output.join("")}`)));
  });
  return {
    client: {
      endpoint: `http://127.0.0.1:${port}`,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      // s3rver stores aws-chunked framing as the body when the SDK adds checksums it does not ask for.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // The SDK waits forever for an answer by default: a request s3rver never answers (seen once
      // in CI, a deployer test hanging its full 120 s) fails after this idle time and is retried.
      requestHandler: { requestTimeout: 15_000, connectionTimeout: 5_000 },
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
