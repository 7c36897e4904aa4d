import type { ControlPlaneToolkit } from "@slipway/aws";

type Builder = Parameters<ControlPlaneToolkit["fromAssemblyBuilder"]>[0];

/** One call the command made to the toolkit, in order, with what a test checks. */
export type ToolkitCall =
  | { method: "fromAssemblyBuilder"; builder: Builder }
  | { method: "bootstrap" }
  | { method: "deploy" | "diff" | "destroy"; stacks: unknown };

export interface FakeToolkitScript {
  /** The deployed stack's outputs. */
  outputs?: Record<string, string>;
  /** What `diff` answers for the stack (a TemplateDiff's shape); a list answers call by call. */
  diff?: FakeDiff | FakeDiff[];
  /** Thrown by the named method instead of answering. */
  failWith?: { method: "deploy" | "diff" | "destroy"; error: Error };
  /** Lines the toolkit "prints" while deploying, through the IoHost's progress callback. */
  events?: string[];
}

export interface FakeDiff {
  permissionsBroadened: boolean;
  /** `[logical id, resource type, change impact]`. */
  changes: Array<[string, string, string]>;
  /** Outputs of the deployed stack this template drops, with their old values. */
  droppedOutputs?: Record<string, string>;
}

/**
 * A recorded stand-in for the few `@aws-cdk/toolkit-lib` Toolkit methods Slipway calls, answering
 * in the shapes toolkit-lib 1.43.0 declares (DeployResult, DestroyResult, a TemplateDiff per
 * stack), since CloudFormation cannot run here. The assembly source is a marker object: a test
 * that needs the real template calls the recorded builder itself.
 */
export function fakeToolkit(script: FakeToolkitScript, progress: (line: string) => void, calls: ToolkitCall[] = []) {
  const fail = (method: string) => {
    if (script.failWith?.method === method) throw script.failWith.error;
  };
  const toolkit = {
    async fromAssemblyBuilder(builder: Builder) {
      calls.push({ method: "fromAssemblyBuilder", builder });
      return { produce: async () => ({}) };
    },
    async bootstrap() {
      calls.push({ method: "bootstrap" });
      return { environments: [] };
    },
    async deploy(_cx: unknown, options?: { stacks?: unknown }) {
      calls.push({ method: "deploy", stacks: options?.stacks });
      fail("deploy");
      for (const line of script.events ?? []) progress(line);
      return {
        stacks: [
          {
            stackName: "Slipway",
            hierarchicalId: "Slipway",
            environment: { account: "123456789012", region: "eu-west-1" },
            stackArn: "arn:aws:cloudformation:eu-west-1:123456789012:stack/Slipway/1",
            outputs: script.outputs ?? {},
          },
        ],
      };
    },
    async diff(_cx: unknown, options?: { stacks?: unknown }) {
      calls.push({ method: "diff", stacks: options?.stacks });
      fail("diff");
      const answers = Array.isArray(script.diff) ? script.diff : [script.diff];
      const diffCalls = calls.filter((call) => call.method === "diff").length;
      const diff = answers[Math.min(diffCalls, answers.length) - 1] ?? { permissionsBroadened: false, changes: [] };
      return {
        Slipway: {
          permissionsBroadened: diff.permissionsBroadened,
          resources: {
            forEachDifference(cb: (id: string, change: { resourceType: string; changeImpact: string }) => void) {
              for (const [id, resourceType, changeImpact] of diff.changes) cb(id, { resourceType, changeImpact });
            },
          },
          outputs: {
            forEachDifference(cb: (id: string, change: { oldValue?: { Value: string } }) => void) {
              for (const [id, value] of Object.entries(diff.droppedOutputs ?? {}))
                cb(id, { oldValue: { Value: value } });
            },
          },
        },
      };
    },
    async destroy(_cx: unknown, options?: { stacks?: unknown }) {
      calls.push({ method: "destroy", stacks: options?.stacks });
      fail("destroy");
      return { stacks: [] };
    },
  };
  return { toolkit: toolkit as unknown as ControlPlaneToolkit, calls };
}
