import type { SQSClientConfig } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";

/** fauxqs (an SQS emulator) in this process on a free port. */
export interface Fauxqs {
  readonly client: SQSClientConfig;
  stop(): Promise<void>;
}

export async function startFauxqsServer(): Promise<Fauxqs> {
  const server = await startFauxqs({ port: 0, logger: false });
  return {
    client: {
      endpoint: server.address,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    },
    stop: () => server.stop(),
  };
}
