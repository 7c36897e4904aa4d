import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EDGE_ENV, SITE_FUNCTIONS_ENV } from "../config.ts";
import type { SlipwayStack } from "../stack.ts";
import { synthesizedStack, TEST_EDGE } from "../testing/fixture.ts";

// GIVEN the stack with its edge, WHEN synthesized, THEN the ISR state every site shares (tag table,
// FIFO revalidation queue, the revalidator) and the routes relay are there once, least privilege,
// and the steps have every variable the Deployer needs (sites can run).
let template: Template;
let stack: SlipwayStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthesizedStack(true, TEST_EDGE));
}, 120_000);
afterAll(() => cleanup());

type Statement = { Action: string | string[]; Resource: unknown };
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
function actionsOf(role: { node: { defaultChild?: unknown } }): string[] {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([{ Ref: logicalId(role) }]) },
  });
  return Object.values(policies)
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .flatMap((s) => [s.Action].flat())
    .sort();
}
const environmentOf = (fn: { node: { defaultChild?: unknown } }) =>
  template.toJSON().Resources[logicalId(fn)].Properties.Environment.Variables as Record<string, unknown>;

describe("SiteCaches", () => {
  it("one tag table keyed tag / path, encrypted with the key, point-in-time recovery on", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 2);
    const table = template.toJSON().Resources[logicalId(stack.siteCaches.tagTable)].Properties;
    expect(table.KeySchema).toEqual([
      { AttributeName: "tag", KeyType: "HASH" },
      { AttributeName: "path", KeyType: "RANGE" },
    ]);
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: "KMS" });
  });

  it("one FIFO revalidation queue, encrypted, TLS only, dead letters after 5 receives into a FIFO queue that alarms", () => {
    const queue = template.toJSON().Resources[logicalId(stack.siteCaches.revalidationQueue)].Properties;
    expect(queue).toMatchObject({ FifoQueue: true, SqsManagedSseEnabled: true });
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [logicalId(stack.siteCaches.deadLetters), "Arn"] },
      maxReceiveCount: 5,
    });
    expect(template.toJSON().Resources[logicalId(stack.siteCaches.deadLetters)].Properties.FifoQueue).toBe(true);
    const policies = Object.values(template.findResources("AWS::SQS::QueuePolicy")).map((p) => JSON.stringify(p));
    expect(
      policies.some(
        (p) => p.includes(logicalId(stack.siteCaches.revalidationQueue)) && p.includes("aws:SecureTransport"),
      ),
    ).toBe(true);
  });

  it("the revalidator consumes the queue with partial batch failures, reading aliases and preview mode ids only", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: logicalId(stack.siteCaches.revalidator.fn) },
      EventSourceArn: { "Fn::GetAtt": [logicalId(stack.siteCaches.revalidationQueue), "Arn"] },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    expect(actionsOf(stack.siteCaches.revalidator.role)).toEqual(
      [
        "dynamodb:GetItem",
        "dynamodb:Query",
        "kms:Decrypt",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:GetObject",
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
      ].sort(),
    );
    expect(environmentOf(stack.siteCaches.revalidator.fn)).toMatchObject({
      SLIPWAY_TABLE_NAME: expect.anything(),
      SLIPWAY_ARTIFACTS_BUCKET: expect.anything(),
    });
  });

  it("the steps get every variable the Deployer needs, so sites run on Lambda", () => {
    const env = environmentOf(stack.steps.handler.fn);
    for (const name of Object.values(SITE_FUNCTIONS_ENV)) expect(env, name).toHaveProperty(name);
    expect(env[SITE_FUNCTIONS_ENV.cacheTable]).toEqual({ Ref: logicalId(stack.siteCaches.tagTable) });
  });
});

describe("RoutesRelay", () => {
  it("reads only alias items from the table's stream, in order, halving failing batches", () => {
    const routes = stack.routes;
    if (!routes) throw new Error("the edge stack has no routes relay");
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: logicalId(routes.handler.fn) },
      FilterCriteria: {
        Filters: [{ Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: "ALIAS#" }] } } } }) }],
      },
      BisectBatchOnFunctionError: true,
      ParallelizationFactor: 1,
    });
    const env = environmentOf(routes.handler.fn);
    expect(env).toHaveProperty(EDGE_ENV.routesStoreArn);
    expect(actionsOf(routes.handler.role)).toEqual(
      expect.arrayContaining([
        "cloudfront-keyvaluestore:DeleteKey",
        "cloudfront-keyvaluestore:DescribeKeyValueStore",
        "cloudfront-keyvaluestore:PutKey",
      ]),
    );
    expect(actionsOf(routes.handler.role)).not.toContain("dynamodb:PutItem");
  });

  it("does not exist without an edge", () => {
    const bare = synthesizedStack(true);
    try {
      expect(bare.stack.routes).toBeNull();
      bare.template.resourceCountIs("AWS::Lambda::Function", 4);
    } finally {
      bare.cleanup();
    }
  }, 120_000);
});
