import { SITE_COSTS_REFRESH_MESSAGE } from "@slipway/aws-runtime/schedule";
import { Stack } from "aws-cdk-lib";
import { Match, type Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SITE_COSTS_ENV } from "./config.ts";
import { SiteCostSchedule } from "./constructs/site-cost-schedule.ts";
import type { SlipwayStack } from "./stack.ts";
import { synthesizedStack } from "./testing/fixture.ts";

// GIVEN the control plane stack, WHEN it is synthesized, THEN the daily cost fetch is scheduled
// onto the step queue, the steps may call only the cost and metric reads it needs, everything
// carries the stack's tag, and both functions know the stack's name.
let template: Template;
let stack: SlipwayStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthesizedStack());
}, 120_000);
afterAll(() => cleanup());

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe("SiteCostSchedule in the stack", () => {
  it("puts the refresh message on the step queue once a day at 07:00 UTC, from a rule the key policy names", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      Name: "Slipway-site-costs",
      ScheduleExpression: "cron(0 7 * * ? *)",
      Targets: [
        Match.objectLike({
          Arn: { "Fn::GetAtt": [idOf(stack.steps.queue), "Arn"] },
          Input: JSON.stringify(SITE_COSTS_REFRESH_MESSAGE),
        }),
      ],
    });
    const key = Object.values(template.findResources("AWS::KMS::Key"))[0]?.Properties.KeyPolicy.Statement as Array<{
      Principal: { Service?: string };
      Condition?: { ArnLike?: Record<string, unknown> };
    }>;
    const events = key.find((s) => s.Principal.Service === "events.amazonaws.com");
    expect(JSON.stringify(events?.Condition?.ArnLike?.["aws:SourceArn"])).toContain(":rule/Slipway-*");
  });

  it("grants the steps role the Cost Explorer and GetMetricData calls on * (they have no resource-level permissions) and the API role no Cost Explorer (it reads the cached costs; its GetMetricData is for the observability routes)", () => {
    const statementsOf = (role: iam.IRole) =>
      Object.values(
        template.findResources("AWS::IAM::Policy", {
          Properties: { Roles: Match.arrayWith([{ Ref: idOf(role as iam.Role) }]) },
        }),
      ).flatMap(
        (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>,
      );
    const cost = statementsOf(stack.steps.handler.role).find((s) => [s.Action].flat().includes("ce:GetCostAndUsage"));
    expect(cost).toMatchObject({
      Action: ["ce:GetCostAndUsage", "ce:UpdateCostAllocationTagsStatus", "cloudwatch:GetMetricData"],
      Resource: "*",
    });
    const apiActions = statementsOf(stack.api.handler.role).flatMap((s) => [s.Action].flat());
    expect(apiActions.filter((a) => a.startsWith("ce:"))).toEqual([]);
  });

  it("tags what the stack creates with slipway:stack and gives the API and steps the stack's name", () => {
    for (const type of ["AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::Lambda::Function", "AWS::SQS::Queue"]) {
      template.hasResourceProperties(type, {
        Tags: Match.arrayWith([{ Key: "slipway:stack", Value: "Slipway" }]),
      });
    }
    for (const fn of [stack.api.handler.fn, stack.steps.handler.fn]) {
      const resource = template.toJSON().Resources[idOf(fn)];
      expect(resource.Properties.Environment.Variables[SITE_COSTS_ENV.stackName]).toBe("Slipway");
    }
  });
});

describe("SiteCostSchedule", () => {
  it("refuses an hour that is not one, naming it", () => {
    const scope = new Stack();
    const role = new iam.Role(scope, "Role", { assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com") });
    const stepsQueue = new sqs.Queue(scope, "Queue");
    expect(
      () => new SiteCostSchedule(scope, "Costs", { stepsQueue, stepsRole: role, ruleName: "x", hourUtc: 24 }),
    ).toThrow(/hourUtc.*24/);
  });
});
