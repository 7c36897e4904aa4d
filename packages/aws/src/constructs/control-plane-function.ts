import { type Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** The Node runtime of every control-plane function: Lambda's newest Node (cdk-nag L1). */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface ControlPlaneFunctionProps {
  /** The bundle directory's code (`index.mjs` exporting `handler`). */
  readonly code: lambda.Code;
  readonly description: string;
  readonly timeout: Duration;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Configuration the handler parses once at cold start. */
  readonly environment: Record<string, string>;
  /**
   * Days the function's own log group keeps its logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Lambda function of the control plane with its own log group (kept a month, removed with the
 * stack) and its own role that may write to that log group and nothing else until a construct
 * grants it more: no AWS managed policy, so every permission is visible in the template.
 */
export class ControlPlaneFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ControlPlaneFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Slipway: ${props.description}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.fn = new lambda.Function(this, "Function", {
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.X86_64,
      handler: "index.handler",
      code: props.code,
      description: `Slipway: ${props.description}`,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 1024,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
  }
}
