import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CANARY_ALARM_PREFIX, OPTIONAL_CONTROL_PLANE_ENV } from "./config.ts";
import type { SlipwayStack } from "./stack.ts";
import { synthesizedStack, TEST_EDGE } from "./testing/fixture.ts";

// GIVEN the stack with an edge, WHEN it is synthesized (once), THEN canary releases have their
// alarm rule to the step queue, the steps may write canary alarms and no others, and the API and
// the steps are told canaries are on. GIVEN no edge, THEN none of it exists.
let template: Template;
let stack: SlipwayStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthesizedStack(true, TEST_EDGE));
}, 120_000);
afterAll(() => cleanup());

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: { Service?: string } };
const ref = (construct: { node: { defaultChild?: unknown } }) => ({
  Ref: stack.getLogicalId(construct.node.defaultChild as never),
});
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy", { Properties: { Roles: Match.arrayWith([ref(role)]) } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const cloudwatchStatements = (role: { node: { defaultChild?: unknown } }) =>
  statementsOf(role).filter((s) => [s.Action].flat().some((a) => a.startsWith("cloudwatch:")));

describe("canary releases in the stack", () => {
  it("sends canary alarms' ALARM changes, and no other alarm's, to the step queue", () => {
    const rules = template.findResources("AWS::Events::Rule", {
      Properties: { EventPattern: { source: ["aws.cloudwatch"] } },
    });
    expect(Object.values(rules)).toHaveLength(1);
    const rule = Object.values(rules)[0]?.Properties;
    expect(rule.Name).toBe("Slipway-canary-alarm");
    expect(rule.EventPattern).toEqual({
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      detail: { alarmName: [{ prefix: CANARY_ALARM_PREFIX }], state: { value: ["ALARM"] } },
    });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { "Fn::GetAtt": [stack.getLogicalId(stack.steps.queue.node.defaultChild as never), "Arn"] },
      }),
    ]);
  });

  it("lets the steps write alarms named with the canary prefix only, and the API none", () => {
    const writesAlarms = (s: Statement) =>
      [s.Action].flat().some((a) => a.startsWith("cloudwatch:") && a !== "cloudwatch:GetMetricData");
    const statements = cloudwatchStatements(stack.steps.handler.role).filter(writesAlarms);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toEqual([
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
    ]);
    expect(JSON.stringify(statements[0]?.Resource)).toContain(`:alarm:${CANARY_ALARM_PREFIX}*`);
    expect(cloudwatchStatements(stack.api.handler.role).filter(writesAlarms)).toEqual([]);
  });

  it("tells the API and the steps that canaries are on", () => {
    for (const fn of [stack.api.handler.fn, stack.steps.handler.fn]) {
      const resource =
        template.findResources("AWS::Lambda::Function")[stack.getLogicalId(fn.node.defaultChild as never)];
      expect(resource?.Properties.Environment.Variables[OPTIONAL_CONTROL_PLANE_ENV.canaryReleases]).toBe("on");
    }
  });

  it("lets EventBridge use the key for the canary rule too (its messages to the encrypted queue)", () => {
    const key = Object.values(template.findResources("AWS::KMS::Key"))[0]?.Properties.KeyPolicy.Statement as Array<
      Statement & { Condition?: { ArnLike?: Record<string, unknown> } }
    >;
    const events = key.find((s) => s.Principal?.Service === "events.amazonaws.com");
    expect(JSON.stringify(events?.Condition?.ArnLike?.["aws:SourceArn"])).toContain(":rule/Slipway-*");
    template.hasResourceProperties("AWS::Events::Rule", { Name: "Slipway-canary-alarm" });
  });

  it("has none of it without an edge", () => {
    const bare = synthesizedStack(true);
    try {
      expect(bare.stack.canary).toBeNull();
      bare.template.resourcePropertiesCountIs("AWS::Events::Rule", { EventPattern: { source: ["aws.cloudwatch"] } }, 0);
      expect(JSON.stringify(bare.template.toJSON())).not.toContain(OPTIONAL_CONTROL_PLANE_ENV.canaryReleases);
    } finally {
      bare.cleanup();
    }
  });
});
