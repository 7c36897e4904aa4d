import { describe, expect, it } from "vitest";
import { watchJobFromBuildEvent } from "./codebuild-event.ts";

const BUILD = "slipway-build:0b7c1a5e-2f44-4b6b-9d8e-1c2d3e4f5a6b";

/** The shape EventBridge delivers (abridged from AWS's documented sample). */
function event(overrides: { status?: string; project?: string; buildId?: string; requestKey?: string } = {}) {
  return {
    version: "0",
    id: "c030038d-8c4d-6141-9545-00ff7b7153EX",
    "detail-type": "CodeBuild Build State Change",
    source: "aws.codebuild",
    account: "123456789012",
    region: "us-west-2",
    detail: {
      "build-status": overrides.status ?? "SUCCEEDED",
      "project-name": overrides.project ?? "slipway-build",
      "build-id": overrides.buildId ?? `arn:aws:codebuild:us-west-2:123456789012:build/${BUILD}`,
      "additional-information": {
        environment: {
          "environment-variables": [
            {
              name: "SLIPWAY_BUILD_REQUEST_KEY",
              value: overrides.requestKey ?? "build-requests/dep_123/request.json",
              type: "PLAINTEXT",
            },
          ],
        },
      },
    },
  };
}

describe("watchJobFromBuildEvent", () => {
  it("turns a finished build of our project into the watch step of its deployment", () => {
    for (const status of ["SUCCEEDED", "FAILED", "STOPPED", "FAULT", "TIMED_OUT"]) {
      expect(watchJobFromBuildEvent(event({ status }), "slipway-build")).toEqual({
        type: "deploy.watch-build",
        payload: { deploymentId: "dep_123", handle: BUILD },
      });
    }
  });

  it("ignores a build still running: its watcher already polls it", () => {
    expect(watchJobFromBuildEvent(event({ status: "IN_PROGRESS" }), "slipway-build")).toBeNull();
  });

  it("ignores another project's build, a forged build id and a request key that is not ours", () => {
    expect(watchJobFromBuildEvent(event({ project: "other" }), "slipway-build")).toBeNull();
    expect(
      watchJobFromBuildEvent(
        event({ buildId: `arn:aws:codebuild:us-west-2:123456789012:build/other:${BUILD.split(":")[1]}` }),
        "slipway-build",
      ),
    ).toBeNull();
    expect(
      watchJobFromBuildEvent(event({ requestKey: "build-requests/../x/request.json" }), "slipway-build"),
    ).toBeNull();
    expect(watchJobFromBuildEvent({ source: "aws.codebuild" }, "slipway-build")).toBeNull();
    expect(watchJobFromBuildEvent({ type: "deploy", payload: {} }, "slipway-build")).toBeNull();
  });
});
