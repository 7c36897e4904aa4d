import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListTablesCommand,
} from "@aws-sdk/client-dynamodb";
import { storeTableDefinition } from "../dynamodb/table.ts";

/** DynamoDB Local (the jar inside amplify-dynamodb-simulator) on Debian's openjdk-17-jre-headless. */
export interface DynamoDbLocal {
  /** Client config pointing at it, with dummy credentials. */
  readonly client: DynamoDBClientConfig;
  /** Creates a fresh, empty Store table; returns its name. */
  createStoreTable(): Promise<string>;
  deleteTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("amplify-dynamodb-simulator/package.json")), "emulator");
}

let tables = 0;

/** Starts DynamoDB Local in memory on a free port and waits until it answers. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await freePort();
  const dir = jarDirectory();
  const output: string[] = [];
  const java: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-port",
      String(port),
    ],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  java.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  java.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => java.once("exit", (code) => resolve(code)));
  java.once("error", (error) => output.push(String(error)));

  const client: DynamoDBClientConfig = {
    endpoint: `http://127.0.0.1:${port}`,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
  const admin = new DynamoDBClient({ ...client, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (java.exitCode !== null || java.signalCode !== null) {
      throw new Error(`DynamoDB Local exited (${java.exitCode ?? java.signalCode}):\n${output.join("")}`);
    }
    try {
      await admin.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        java.kill("SIGKILL");
        throw new Error(`DynamoDB Local did not answer on port ${port} within 60 s:\n${output.join("")}`);
      }
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 100)), exited]);
    }
  }

  return {
    client,
    async createStoreTable() {
      tables += 1;
      const name = `slipway-${process.pid}-${tables}`;
      await admin.send(new CreateTableCommand(storeTableDefinition(name)));
      return name;
    },
    async deleteTable(name) {
      await admin.send(new DeleteTableCommand({ TableName: name }));
    },
    async stop() {
      admin.destroy();
      if (java.exitCode === null && java.signalCode === null) {
        java.kill("SIGTERM");
        await exited;
      }
    },
  };
}
