import { Match, type Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SITE_FUNCTIONS_ENV } from "../config.ts";
import type { SlipwayStack } from "../stack.ts";
import { synthesizedStack } from "../testing/fixture.ts";

// GIVEN the control plane stack, WHEN synthesized, THEN the site functions' role has only what a
// site needs, and the steps (the Deployer) manage slipway-site-* functions only, passing only that role.
let template: Template;
let stack: SlipwayStack;
let cleanup = () => {};
beforeAll(() => {
  ({ template, stack, cleanup } = synthesizedStack());
}, 120_000);
afterAll(() => cleanup());

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: Match.arrayWith([{ Ref: logicalId(role) }]) },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const withAction = (statements: Statement[], action: string) =>
  statements.filter((s) => [s.Action].flat().includes(action));
const text = (value: unknown) => JSON.stringify(value);

describe("SiteFunctions", () => {
  it("the execution role is Lambda's, with site logs, env snapshots, the key and the cache prefix only", () => {
    const role = template.toJSON().Resources[logicalId(stack.siteFunctions.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ]);
    const statements = statementsOf(stack.siteFunctions.role);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(
      [
        "dynamodb:BatchWriteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:Query",
        "sqs:SendMessage",
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:DeleteObject",
        "s3:GetObject",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
      ].sort(),
    );
    expect(text(withAction(statements, "logs:PutLogEvents")[0]?.Resource)).toContain("log-group:/slipway/sites/*");
    const [snapshots, cache] = withAction(statements, "s3:GetObject");
    expect(text(snapshots?.Resource)).toContain(logicalId(stack.buckets.artifacts));
    expect(text(snapshots?.Resource)).toContain("/env-snapshots/*");
    expect(text(cache?.Resource)).toContain(logicalId(stack.buckets.caches));
    expect(text(cache?.Resource)).toContain("/cache/*");
    expect(withAction(statements, "s3:ListBucket")[0]?.Condition).toEqual({ StringLike: { "s3:prefix": ["cache/*"] } });
  });

  it("the steps manage slipway-site-* functions only and pass exactly the execution role, to Lambda only", () => {
    const statements = statementsOf(stack.steps.handler.role);
    const lambdaStatements = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("lambda:")));
    for (const s of lambdaStatements) {
      if (s.Action === "lambda:GetAccountSettings") {
        expect(s.Resource).toBe("*");
        continue;
      }
      expect([s.Action].flat()).toEqual(expect.arrayContaining(["lambda:CreateFunction", "lambda:DeleteFunction"]));
      expect(text(s.Resource)).toContain(":function:slipway-site-*");
    }
    const passRole = withAction(statements, "iam:PassRole");
    expect(passRole).toEqual([
      expect.objectContaining({
        Resource: { "Fn::GetAtt": [logicalId(stack.siteFunctions.role), "Arn"] },
        Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
      }),
    ]);
    // The API never touches site functions.
    expect(
      statementsOf(stack.api.handler.role)
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith("lambda:")),
    ).toEqual([]);
  });

  it("lets the steps make the sites' log groups (with retention and tag) under /slipway/sites/ only", () => {
    const statements = withAction(statementsOf(stack.steps.handler.role), "logs:CreateLogGroup");
    expect(statements).toHaveLength(1);
    expect([statements[0]?.Action].flat().sort()).toEqual([
      "logs:CreateLogGroup",
      "logs:PutRetentionPolicy",
      "logs:TagResource",
    ]);
    const resources = text(statements[0]?.Resource);
    expect(resources).toContain("log-group:/slipway/sites/*");
    expect(resources).not.toContain("/aws/lambda");
    // The functions write to those groups and may not make one of their own (it would never expire).
    expect(withAction(statementsOf(stack.siteFunctions.role), "logs:CreateLogGroup")).toEqual([]);
  });

  it("gives the steps the role's ARN and the generated origin secret's ARN (never its value), and lets them read that secret only", () => {
    const env = template.toJSON().Resources[logicalId(stack.steps.handler.fn)].Properties.Environment.Variables;
    expect(env[SITE_FUNCTIONS_ENV.roleArn]).toEqual({ "Fn::GetAtt": [logicalId(stack.siteFunctions.role), "Arn"] });
    expect(env[SITE_FUNCTIONS_ENV.originSecretArn]).toEqual({ Ref: logicalId(stack.siteFunctions.originSecret) });
    expect(withAction(statementsOf(stack.steps.handler.role), "secretsmanager:GetSecretValue")).toEqual([
      expect.objectContaining({ Resource: { Ref: logicalId(stack.siteFunctions.originSecret) } }),
    ]);
    template.hasResourceProperties("AWS::SecretsManager::Secret", {
      Description: Match.stringLikeRegexp("x-slipway-origin-secret"),
      GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
    });
  });
});
