import { describe, expect, it } from "vitest";
import { CONTROL_PLANE_ENV, parseControlPlaneEnv } from "./env.ts";

const full = {
  SLIPWAY_TABLE_NAME: "slipway-data",
  SLIPWAY_ARTIFACTS_BUCKET: "slipway-artifacts",
  SLIPWAY_CACHES_BUCKET: "slipway-caches",
  SLIPWAY_STEPS_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/slipway-steps",
  SLIPWAY_KMS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:key/abc",
  SLIPWAY_BUILD_PROJECT: "slipway-build",
  SLIPWAY_ADMIN_TOKEN_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin",
};

describe("parseControlPlaneEnv", () => {
  it("reads every variable the stack sets", () => {
    const config = parseControlPlaneEnv(full, "api");
    expect(config).toMatchObject({
      tableName: "slipway-data",
      stepsQueueUrl: full.SLIPWAY_STEPS_QUEUE_URL,
      buildProjectName: "slipway-build",
      adminTokenSecretArn: full.SLIPWAY_ADMIN_TOKEN_SECRET_ARN,
      apiUrl: null,
      sitesDomain: null,
      githubApiUrl: null,
    });
  });

  it.each(Object.values(CONTROL_PLANE_ENV))("names %s when the API lacks it", (variable) => {
    const env: Record<string, string> = { ...full };
    delete env[variable];
    expect(() => parseControlPlaneEnv(env, "api")).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(() => parseControlPlaneEnv(env, "api")).toThrow(variable);
  });

  it("lets the step handlers start without the admin token's secret", () => {
    const { SLIPWAY_ADMIN_TOKEN_SECRET_ARN: _, ...steps } = full;
    expect(parseControlPlaneEnv(steps, "steps").adminTokenSecretArn).toBeNull();
    expect(() => parseControlPlaneEnv({ ...steps, SLIPWAY_TABLE_NAME: "" }, "steps")).toThrow("SLIPWAY_TABLE_NAME");
  });

  it("needs only the step queue for the outbox relay", () => {
    expect(parseControlPlaneEnv({ SLIPWAY_STEPS_QUEUE_URL: "https://q" }, "outbox").stepsQueueUrl).toBe("https://q");
    expect(() => parseControlPlaneEnv({}, "outbox")).toThrow("SLIPWAY_STEPS_QUEUE_URL");
  });

  it("refuses a value with spaces around it and an API URL that is not http(s)", () => {
    expect(() => parseControlPlaneEnv({ ...full, SLIPWAY_BUILD_PROJECT: "slipway-build " }, "api")).toThrow(
      "SLIPWAY_BUILD_PROJECT",
    );
    expect(() => parseControlPlaneEnv({ ...full, SLIPWAY_API_URL: "ftp://x" }, "api")).toThrow("SLIPWAY_API_URL");
    expect(() => parseControlPlaneEnv({ ...full, SLIPWAY_GITHUB_API_URL: "github" }, "steps")).toThrow(
      "SLIPWAY_GITHUB_API_URL",
    );
    expect(
      parseControlPlaneEnv({ ...full, SLIPWAY_GITHUB_API_URL: "https://ghe.example.com/api/v3/" }, "steps"),
    ).toMatchObject({
      githubApiUrl: "https://ghe.example.com/api/v3",
    });
    expect(parseControlPlaneEnv({ ...full, SLIPWAY_API_URL: "https://api.example.com/" }, "api").apiUrl).toBe(
      "https://api.example.com",
    );
  });
});
