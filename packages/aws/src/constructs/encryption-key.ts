import { SlipwayError } from "@slipway/core/errors";
import { Duration, Lazy, RemovalPolicy, Stack } from "aws-cdk-lib";
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

/** Conditions a service principal's statements in the key policy must carry (IAM condition block). */
export type ServiceConditions = Record<string, Record<string, unknown>>;

type PolicyStatementJson = { Principal?: { Service?: string | string[] }; Condition?: Record<string, unknown> };

/**
 * Confines every AWS service the key policy names to this stack's own resources: each statement
 * whose principal is a service gets that service's `aws:SourceAccount` / `aws:SourceArn`
 * conditions merged in, so no other account's rule, alarm or topic can use the key through that
 * service (the confused-deputy problem). Constructs like the EventBridge SQS target write their
 * statement themselves (with `aws:SourceAccount` only: a rule's ARN there would be a dependency
 * cycle through the queue), so this rewrites the resolved policy lazily, after every grant. A
 * service with no entry fails the synth, naming it: a new service principal must be confined too.
 */
export function confineServicePrincipals(key: kms.Key, conditionsByService: Record<string, ServiceConditions>): void {
  const cfnKey = key.node.defaultChild as kms.CfnKey;
  const original: unknown = cfnKey.keyPolicy;
  cfnKey.keyPolicy = Lazy.any({
    produce: () => {
      const policy = Stack.of(key).resolve(original) as { Statement: PolicyStatementJson[] };
      const Statement = policy.Statement.map((statement) => {
        const services = [statement.Principal?.Service ?? []].flat();
        if (services.length === 0) return statement;
        const condition: Record<string, Record<string, unknown>> = { ...(statement.Condition ?? {}) } as never;
        for (const service of services) {
          const extra = conditionsByService[service];
          if (!extra) {
            throw new SlipwayError(
              "INTERNAL",
              `The key policy grants the service ${service} with no source conditions.`,
              "Give confineServicePrincipals its aws:SourceAccount / aws:SourceArn conditions.",
            );
          }
          for (const [operator, values] of Object.entries(extra)) {
            condition[operator] = { ...(condition[operator] ?? {}), ...values };
          }
        }
        return { ...statement, Condition: condition };
      });
      return { ...policy, Statement };
    },
  });
}
