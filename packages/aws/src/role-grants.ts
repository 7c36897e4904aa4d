import * as iam from "aws-cdk-lib/aws-iam";
import type { AdminToken } from "./constructs/admin-token.ts";
import type { Buckets } from "./constructs/buckets.ts";
import type { BuildProject } from "./constructs/build-project.ts";
import type { DataTable } from "./constructs/data-table.ts";
import type { EncryptionKey } from "./constructs/encryption-key.ts";
import type { SiteFunctions } from "./constructs/site-functions.ts";
import type { StepWorkers } from "./constructs/step-workers.ts";

/** The control plane's parts the API and step roles are granted on (the stack's own fields). */
export interface GrantedParts {
  readonly key: EncryptionKey;
  readonly data: DataTable;
  readonly buckets: Buckets;
  readonly steps: StepWorkers;
  readonly build: BuildProject;
  readonly adminToken: AdminToken;
  readonly siteFunctions: SiteFunctions;
}

/** Table item and index actions the Store adapter uses (transactions authorize per item). */
const TABLE_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
];
/** Envelope encryption: a data key per value, and decrypting it again. */
const ENVELOPE_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt", "kms:Encrypt"];

/**
 * The API: the table (build logs included), enqueueing steps, envelope encryption, the admin token,
 * and storing the admin's uploaded artifacts (the dashboard) under `artifacts/`: put, and get for
 * the HEAD that refuses an id already stored; and the two-step upload's staged archives under
 * `uploads/` (put, get, delete). No delete under `artifacts/`, no other prefix.
 */
export function grantApi(parts: GrantedParts, role: iam.IRole): void {
  const { data, steps, adminToken, buckets } = parts;
  const statements = [
    new iam.PolicyStatement({ actions: TABLE_ACTIONS, resources: data.resourceArns }),
    new iam.PolicyStatement({ actions: ENVELOPE_ACTIONS, resources: [parts.key.key.keyArn] }),
    new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [steps.queue.queueArn] }),
    new iam.PolicyStatement({ actions: ["secretsmanager:GetSecretValue"], resources: [adminToken.secret.secretArn] }),
    new iam.PolicyStatement({
      actions: ["s3:GetObject", "s3:PutObject"],
      resources: [buckets.artifacts.arnForObjects(UPLOADED_ARTIFACTS)],
    }),
    // The observability routes: the sites' request log and console output, read only.
    new iam.PolicyStatement({ actions: ["logs:FilterLogEvents"], resources: parts.siteFunctions.logGroupArns() }),
    // Latency and bytes out: one Logs Insights query per metrics read, started on the sites' groups
    // only; its results are fetched (and an overlong query stopped) by the query id, and neither
    // GetQueryResults nor StopQuery has a resource to scope to.
    new iam.PolicyStatement({ actions: ["logs:StartQuery"], resources: parts.siteFunctions.logGroupArns() }),
    new iam.PolicyStatement({ actions: ["logs:GetQueryResults", "logs:StopQuery"], resources: ["*"] }),
    // Lambda's per-function metrics of the sites; GetMetricData has no resource to scope to.
    new iam.PolicyStatement({ actions: ["cloudwatch:GetMetricData"], resources: ["*"] }),
    // The two-step upload: the presigned PUT is signed by this role (so it needs PutObject), the
    // staged archive is read back, checked, and deleted whether it was accepted or refused.
    new iam.PolicyStatement({
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      resources: [buckets.artifacts.arnForObjects(STAGED_UPLOADS)],
    }),
  ];
  for (const statement of statements) role.addToPrincipalPolicy(statement);
}

/** The step handlers: the table, the build project, artifacts and caches (and presigning for builds). */
export function grantSteps(parts: GrantedParts, role: iam.IRole): void {
  const { data, buckets, build } = parts;
  const statements = [
    new iam.PolicyStatement({ actions: TABLE_ACTIONS, resources: data.resourceArns }),
    new iam.PolicyStatement({ actions: ENVELOPE_ACTIONS, resources: [parts.key.key.keyArn] }),
    new iam.PolicyStatement({
      actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"],
      resources: [build.project.projectArn],
    }),
    // Builds print their log to CodeBuild's log group; each watch poll copies new lines into the table.
    new iam.PolicyStatement({ actions: ["logs:GetLogEvents"], resources: [build.logGroup.logGroupArn] }),
    new iam.PolicyStatement({
      actions: ["s3:ListBucket"],
      resources: [buckets.artifacts.bucketArn, buckets.caches.bucketArn],
    }),
    new iam.PolicyStatement({
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging", "s3:PutObjectTagging"],
      resources: [buckets.artifacts.arnForObjects("*"), buckets.caches.arnForObjects("*")],
    }),
  ];
  for (const statement of statements) role.addToPrincipalPolicy(statement);
}

/** Where the API stores an uploaded artifact: the builder's own key scheme (`artifacts/<deploymentId>.tar`). */
export const UPLOADED_ARTIFACTS = "artifacts/*";
/** Where an archive waits between its presigned PUT and the API's check (the API's `uploads/<id>.tar`). */
export const STAGED_UPLOADS = "uploads/*";
