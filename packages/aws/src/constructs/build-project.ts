import { BUILD_VARIABLES } from "@slipway/aws-runtime/build-variables";
import { RESUME_STALLED_EVERY_MINUTES, RESUME_STALLED_MESSAGE } from "@slipway/aws-runtime/schedule";
import { Duration } from "aws-cdk-lib";
import * as codebuild from "aws-cdk-lib/aws-codebuild";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3assets from "aws-cdk-lib/aws-s3-assets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { requireIntegerIn } from "./invalid-prop.ts";

/** CodeBuild's image for every build: Amazon Linux 2023 x86_64 standard 5.0, with Node 22. */
export const BUILD_IMAGE = codebuild.LinuxBuildImage.AMAZON_LINUX_2023_5;

export interface BuildProjectProps {
  /**
   * A directory holding the builder bundle (`index.mjs`): the same named build steps as the local
   * builder (clone, install, next build, OpenNext, manifest, artifact). Uploaded as an asset and
   * used as the project's source.
   */
  readonly builderDir: string;
  /** Encrypts build output and logs. */
  readonly encryptionKey: kms.IKey;
  /** The step queue: CodeBuild's state changes are delivered there for the watch-build step. */
  readonly stepsQueue: sqs.IQueue;
  /**
   * Minutes a build may run before CodeBuild stops it.
   * @default 30
   */
  readonly timeoutMinutes?: number;
  /**
   * Builds running at once at most (further StartBuild calls queue in CodeBuild).
   * @default 5
   */
  readonly concurrentBuildLimit?: number;
  /**
   * Days the build logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Minutes between two sweeps for stalled deployments (a scheduled message on the step queue).
   * @default 5
   */
  readonly resumeStalledEveryMinutes?: number;
}

/**
 * The one CodeBuild project every build runs in (not one per site: projects count against a
 * quota and each would need its own role). The start step passes a build's parameters as
 * environment variable overrides, including presigned URLs for exactly its artifact and its
 * project's cache: the project's role can write its logs and read the builder source and nothing
 * else, so code in a build (the user's install and build scripts are untrusted) cannot touch the
 * table, other artifacts or other projects' caches. An EventBridge rule sends this project's
 * `CodeBuild Build State Change` events to the step queue; those events are best effort, so the
 * watch-build step also polls `BatchGetBuilds` on its delayed messages.
 */
export class BuildProject extends Construct {
  readonly project: codebuild.Project;
  readonly logGroup: logs.LogGroup;
  readonly stateChangeRule: events.Rule;
  readonly resumeStalledRule: events.Rule;

  constructor(scope: Construct, id: string, props: BuildProjectProps) {
    super(scope, id);
    const timeoutMinutes = requireIntegerIn("BuildProject", "timeoutMinutes", props.timeoutMinutes ?? 30, 5, 480);
    const concurrentBuildLimit = requireIntegerIn(
      "BuildProject",
      "concurrentBuildLimit",
      props.concurrentBuildLimit ?? 5,
      1,
      100,
    );
    const builder = new s3assets.Asset(this, "Builder", { path: props.builderDir });
    this.logGroup = new logs.LogGroup(this, "Logs", { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });

    this.project = new codebuild.Project(this, "Project", {
      description: "Slipway: builds a deployment (same steps as the local builder)",
      source: codebuild.Source.s3({ bucket: builder.bucket, path: builder.s3ObjectKey }),
      environment: {
        buildImage: BUILD_IMAGE,
        computeType: codebuild.ComputeType.MEDIUM,
        privileged: false,
      },
      encryptionKey: props.encryptionKey,
      timeout: Duration.minutes(timeoutMinutes),
      queuedTimeout: Duration.minutes(60),
      concurrentBuildLimit,
      logging: { cloudWatch: { logGroup: this.logGroup } },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: "0.2",
        phases: {
          install: { "runtime-versions": { nodejs: 22 } },
          // The builder reads its parameters (SLIPWAY_* overrides) from the environment.
          build: { commands: ["node index.mjs"] },
        },
        // The start step's artifact key, echoed in BatchGetBuilds once the build succeeded.
        env: { "exported-variables": [BUILD_VARIABLES.artifactKey] },
      }),
    });

    this.stateChangeRule = new events.Rule(this, "StateChange", {
      description: "Slipway: CodeBuild state changes of the build project, to the step queue",
      eventPattern: {
        source: ["aws.codebuild"],
        detailType: ["CodeBuild Build State Change"],
        detail: { "project-name": [this.project.projectName] },
      },
      targets: [new targets.SqsQueue(props.stepsQueue)],
    });

    // Those events are best effort and a step message can be lost or dead-lettered: every few
    // minutes the step handler resumes deployments nothing wrote to for a while (the local
    // platform's sweeper). A stuck build is then found again by the start step and polled.
    const every = requireIntegerIn(
      "BuildProject",
      "resumeStalledEveryMinutes",
      props.resumeStalledEveryMinutes ?? RESUME_STALLED_EVERY_MINUTES,
      1,
      60,
    );
    this.resumeStalledRule = new events.Rule(this, "ResumeStalled", {
      description: "Slipway: every few minutes, resume deployments whose step messages were lost",
      schedule: events.Schedule.rate(Duration.minutes(every)),
      targets: [
        new targets.SqsQueue(props.stepsQueue, { message: events.RuleTargetInput.fromObject(RESUME_STALLED_MESSAGE) }),
      ],
    });
  }
}
