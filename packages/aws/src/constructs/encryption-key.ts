import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { requireIntegerIn } from "./invalid-prop.ts";

export interface EncryptionKeyProps {
  /**
   * The key's alias, without the `alias/` prefix.
   * @default "slipway"
   */
  readonly aliasName?: string;
  /**
   * Days a deleted key waits before it is gone (7–30). Everything Slipway stores is encrypted
   * with it, so a short window loses data for good.
   * @default 30
   */
  readonly pendingWindowDays?: number;
}

/**
 * The one customer-managed KMS key of the control plane: it encrypts the table, the buckets, the
 * queues, the admin token and the build project, and it is the key the Secrets adapter uses for
 * envelope encryption of env vars and secrets (GenerateDataKey, then AES-GCM locally). Rotated
 * yearly by KMS; kept when the stack is removed, or nothing it encrypted could be read again.
 */
export class EncryptionKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps = {}) {
    super(scope, id);
    const pendingWindowDays = requireIntegerIn(
      "EncryptionKey",
      "pendingWindowDays",
      props.pendingWindowDays ?? 30,
      7,
      30,
    );
    this.key = new kms.Key(this, "Key", {
      alias: props.aliasName ?? "slipway",
      description: "Slipway control plane: data at rest and envelope encryption of env vars and secrets",
      enableKeyRotation: true,
      pendingWindow: Duration.days(pendingWindowDays),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
