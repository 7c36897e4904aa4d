import { CloudWatchClient, DeleteAlarmsCommand, PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { type CoreDeps, type Project, promote, rollback } from "@slipway/core";
import { project as projectFixture, savedReadyDeployment } from "@slipway/core/contracts";
import { createMemoryLogStore, createMemoryQueue, createMemoryStore, type MemoryQueue } from "@slipway/memory";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createStepsHandler } from "../lambda/steps.ts";
import { CANARY_ALARM_PREFIX } from "./alarm-names.ts";
import { createCloudWatchCanaryWatch } from "./cloudwatch-canary-watch.ts";

// The AWS call sequences of a canary release: the steps make the alarm when the canary starts,
// an ALARM state change from EventBridge cancels the canary, and the alarm goes when the canary
// completes or is cancelled. CloudWatch is mocked; the store, queue and log are in memory.

const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => cloudwatch.reset());

/** A ready production deployment of `p`, a second newer than the last. */
const ready = (deps: CoreDeps, p: Project) => savedReadyDeployment(deps.store, p.id);

async function setup() {
  const queue = createMemoryQueue();
  const deps = {
    store: createMemoryStore(createMemoryQueue()),
    queue,
    logs: createMemoryLogStore(),
    urls: { hostname: (l: string) => `${l}.sites.test`, url: (h: string) => `https://${h}`, apiUrl: "https://api" },
    settings: { retainDeployments: 10 },
    canaryWatch: createCloudWatchCanaryWatch({ client: new CloudWatchClient({ region: "eu-west-1" }) }),
  } as unknown as CoreDeps;
  const p = projectFixture();
  await deps.store.projects.create(p);
  const stable = await ready(deps, p);
  const next = await ready(deps, p);
  await promote(deps, p, stable.id);
  const steps = createStepsHandler(deps, { buildProjectName: "slipway-build", log: () => undefined });
  return { deps, queue, p, stable, next, steps };
}

/** Runs every queued step through the steps Lambda's handler, as SQS would deliver them. */
async function drain(queue: MemoryQueue, steps: ReturnType<typeof createStepsHandler>): Promise<string[]> {
  const ran: string[] = [];
  for (let job = await queue.claim(60_000); job; job = await queue.claim(60_000)) {
    const body = JSON.stringify({ type: job.type, payload: job.payload });
    const result = await steps({ Records: [{ messageId: job.id, body }] });
    expect(result.batchItemFailures).toEqual([]);
    await queue.complete(job.receipt);
    ran.push(job.type);
  }
  return ran;
}

/** EventBridge's "CloudWatch Alarm State Change" event, as the rule's SQS target delivers it. */
const alarmEvent = (alarmName: string, value: string) =>
  JSON.stringify({
    version: "0",
    source: "aws.cloudwatch",
    "detail-type": "CloudWatch Alarm State Change",
    detail: {
      alarmName,
      state: { value, reason: "Threshold Crossed: 1 datapoint [9.0 (01/12/26 07:00:00)] was >= 5.0." },
      previousState: { value: "OK" },
    },
  });

const alarmCalls = () => cloudwatch.calls().map((c) => c.args[0].constructor.name);

describe("canary alarm on AWS", () => {
  it("the alarm is made when the canary starts: the server function's errors, 5 in a minute, missing data not breaching", async () => {
    const { deps, queue, p, next, steps } = await setup();
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    await promote(deps, p, next.id, { canary: 10 });
    expect(await drain(queue, steps)).toEqual(["canary.watch"]);
    expect(alarmCalls()).toEqual(["PutMetricAlarmCommand"]);
    expect(cloudwatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input).toMatchObject({
      AlarmName: `${CANARY_ALARM_PREFIX}${next.id}`,
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: `slipway-site-${p.id}-${next.id}-server` }],
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      TreatMissingData: "notBreaching",
      Tags: expect.arrayContaining([{ Key: "slipway:deployment", Value: next.id }]),
    });
    expect(cloudwatch.commandCalls(PutMetricAlarmCommand)[0]?.args[0].input.AlarmActions).toBeUndefined();
  });

  it("ALARM cancels the canary (production all back on the stable deployment) and deletes the alarm", async () => {
    const { deps, queue, p, stable, next, steps } = await setup();
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    cloudwatch.on(DeleteAlarmsCommand).resolves({});
    await promote(deps, p, next.id, { canary: 10 });
    await drain(queue, steps);

    const result = await steps({
      Records: [{ messageId: "eb-1", body: alarmEvent(`${CANARY_ALARM_PREFIX}${next.id}`, "ALARM") }],
    });
    expect(result.batchItemFailures).toEqual([]);
    const alias = await deps.store.aliases.production(p.id);
    expect(alias?.deploymentId).toBe(stable.id);
    expect(alias?.canary).toBeUndefined();
    const log = (await deps.logs.read(next.id)).map((l) => l.text).join("\n");
    expect(log).toContain("Canary cancelled (error alarm: Threshold Crossed");

    expect(await drain(queue, steps)).toEqual(["canary.unwatch"]);
    expect(alarmCalls()).toEqual(["PutMetricAlarmCommand", "DeleteAlarmsCommand"]);
    expect(cloudwatch.commandCalls(DeleteAlarmsCommand)[0]?.args[0].input).toEqual({
      AlarmNames: [`${CANARY_ALARM_PREFIX}${next.id}`],
    });
  });

  it("OK and other alarms' changes change nothing", async () => {
    const { deps, queue, p, next, steps } = await setup();
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    await promote(deps, p, next.id, { canary: 10 });
    await drain(queue, steps);
    for (const body of [alarmEvent(`${CANARY_ALARM_PREFIX}${next.id}`, "OK"), alarmEvent("billing-alarm", "ALARM")]) {
      expect(await steps({ Records: [{ messageId: "eb", body }] })).toEqual({ batchItemFailures: [] });
    }
    expect((await deps.store.aliases.production(p.id))?.canary?.deploymentId).toBe(next.id);
    expect(alarmCalls()).toEqual(["PutMetricAlarmCommand"]);
  });

  it("completing the canary (promote) and cancelling it (rollback) delete its alarm; an absent alarm is no error", async () => {
    const { deps, queue, p, next, steps } = await setup();
    cloudwatch.on(PutMetricAlarmCommand).resolves({});
    cloudwatch
      .on(DeleteAlarmsCommand)
      .resolvesOnce({})
      .rejects(Object.assign(new Error("gone"), { name: "ResourceNotFound" }));
    await promote(deps, p, next.id, { canary: 10 });
    await promote(deps, p, next.id);
    // The watch step comes after the canary ended: it makes no alarm, and removes any.
    expect(await drain(queue, steps)).toEqual(["canary.watch", "canary.unwatch"]);
    expect(alarmCalls()).toEqual(["DeleteAlarmsCommand", "DeleteAlarmsCommand"]);

    const third = await ready(deps, p);
    await promote(deps, p, third.id, { canary: 20 });
    await drain(queue, steps);
    await rollback(deps, p);
    expect(await drain(queue, steps)).toEqual(["canary.unwatch"]);
    expect(alarmCalls().slice(2)).toEqual(["PutMetricAlarmCommand", "DeleteAlarmsCommand"]);
  });

  it("a CloudWatch fault fails the step so SQS delivers it again", async () => {
    const { deps, queue, p, next, steps } = await setup();
    cloudwatch.on(PutMetricAlarmCommand).rejects(Object.assign(new Error("throttled"), { name: "Throttling" }));
    await promote(deps, p, next.id, { canary: 10 });
    const job = await queue.claim(60_000);
    const body = JSON.stringify({ type: job?.type, payload: job?.payload });
    expect(await steps({ Records: [{ messageId: "m1", body }] })).toEqual({
      batchItemFailures: [{ itemIdentifier: "m1" }],
    });
  });
});
