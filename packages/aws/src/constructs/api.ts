import { Duration } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigw from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { AlarmTopic } from "./alarm-topic.ts";
import { ControlPlaneFunction } from "./control-plane-function.ts";
import { requireIntegerIn } from "./invalid-prop.ts";

export interface ApiProps {
  /** The API's bundle (`index.mjs` exporting the Hono app's Lambda `handler`). */
  readonly code: lambda.Code;
  /** Where the 5xx and error alarms go. */
  readonly alarms: AlarmTopic;
  /** Configuration for the handler (table, buckets, queue…). */
  readonly environment: Record<string, string>;
  /**
   * Requests per second the API accepts before API Gateway answers 429 (steady rate).
   * @default 50
   */
  readonly throttleRate?: number;
  /**
   * Requests the API accepts at once above the steady rate.
   * @default 100
   */
  readonly throttleBurst?: number;
  /** @default 1024 */
  readonly memorySize?: number;
}

/**
 * The Slipway API on AWS: the same Hono app as `slipway up`, in one Lambda function behind an API
 * Gateway HTTP API (`$default` route, payload format 2.0). The function's timeout (29 s) stays
 * under API Gateway's 30 s integration limit, which is why a build-log follow streams for at most
 * 25 s and the client reconnects with Last-Event-ID. Authentication is the app's own (API tokens,
 * sessions, GitHub webhook signatures), so the route has no API Gateway authorizer. Access logs
 * go to their own log group; alarms on 5xx answers and on the function's errors.
 */
export class Api extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly handler: ControlPlaneFunction;
  readonly accessLogs: logs.LogGroup;
  readonly serverErrorAlarm: cloudwatch.Alarm;
  readonly errorAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const rateLimit = requireIntegerIn("Api", "throttleRate", props.throttleRate ?? 50, 1, 10_000);
    const burstLimit = requireIntegerIn("Api", "throttleBurst", props.throttleBurst ?? 100, 1, 5_000);

    this.handler = new ControlPlaneFunction(this, "Handler", {
      code: props.code,
      description: "API (Hono app)",
      timeout: Duration.seconds(29),
      memorySize: props.memorySize ?? 1024,
      environment: props.environment,
    });
    this.accessLogs = new logs.LogGroup(this, "AccessLogs", { retention: logs.RetentionDays.ONE_MONTH });
    this.httpApi = new apigw.HttpApi(this, "HttpApi", {
      description: "Slipway API",
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration("Handler", this.handler.fn, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    this.httpApi.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTimeEpoch",
            method: "$context.httpMethod",
            path: "$context.path",
            status: "$context.status",
            responseLength: "$context.responseLength",
            integrationLatency: "$context.integrationLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    this.serverErrorAlarm = props.alarms.notifyOnRepeated(
      this,
      "ServerErrorAlarm",
      "The API answered 5xx in 3 of the last 5 minutes.",
      this.httpApi.metricServerError({ period: Duration.minutes(1), statistic: "Sum" }),
    );
    this.errorAlarm = props.alarms.notifyOnRepeated(
      this,
      "ErrorAlarm",
      "The API function threw or timed out in 3 of the last 5 minutes.",
      this.handler.fn.metricErrors({ period: Duration.minutes(1), statistic: "Sum" }),
    );
  }

  /** The API's base URL (the CLI's SLIPWAY_URL). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
