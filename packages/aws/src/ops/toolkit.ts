import { BaseCredentials, type IIoHost, type IoMessage, type IoRequest, Toolkit } from "@aws-cdk/toolkit-lib";
import type { AwsTarget } from "./aws-target.ts";

/** The toolkit methods Slipway calls: the boundary tests replace with a recorded fake. */
export type ControlPlaneToolkit = Pick<Toolkit, "fromAssemblyBuilder" | "bootstrap" | "deploy" | "diff" | "destroy">;

/** Levels shown as progress (debug and trace are the toolkit's own diagnostics). */
const SHOWN = new Set(["error", "warn", "info", "result"]);

/**
 * The toolkit's messages as lines for the person deploying (stack events, asset uploads, the
 * outputs); a question gets its default answer, because the command asked its own questions
 * (keep or remove data, apply these changes) before calling the toolkit.
 */
export function progressHost(print: (line: string) => void): IIoHost {
  return {
    async notify(msg: IoMessage<unknown>) {
      if (!SHOWN.has(msg.level)) return;
      for (const line of msg.message.split("\n")) if (line.trim() !== "") print(line.trimEnd());
    },
    async requestResponse<T>(msg: IoRequest<unknown, T>): Promise<T> {
      return msg.defaultResponse;
    },
  };
}

/**
 * The CDK toolkit with the AWS CLI's credential chain for the profile and the region given (the
 * stack is environment-agnostic: the toolkit deploys it where these credentials point).
 */
export function createToolkit(target: AwsTarget, print: (line: string) => void): ControlPlaneToolkit {
  return new Toolkit({
    ioHost: progressHost(print),
    color: false,
    emojis: false,
    sdkConfig: {
      baseCredentials: BaseCredentials.awsCliCompatible({
        ...(target.profile ? { profile: target.profile } : {}),
        defaultRegion: target.region,
      }),
    },
  });
}
