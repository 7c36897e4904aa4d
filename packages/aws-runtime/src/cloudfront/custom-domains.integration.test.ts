import { UpdateDistributionTenantCommand } from "@aws-sdk/client-cloudfront";
import { createApi, hashToken } from "@slipway/api";
import { ADMIN_TOKEN_SCOPE, type CoreDeps, newId, nowIso, PROVISION_DOMAIN_JOB } from "@slipway/core";
import { project } from "@slipway/core/contracts";
import {
  createMemoryBlobStore,
  createMemoryBuildCache,
  createMemoryBuilder,
  createMemoryDeployer,
  createMemoryGitRemote,
  createMemoryLogStore,
  createMemoryQueue,
  createMemorySecrets,
  type MemoryQueue,
} from "@slipway/memory";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDynamoStore } from "../dynamodb/store.ts";
import { createStepsHandler, type SqsEvent } from "../lambda/steps.ts";
import { type DynamoDbLocal, startDynamoDbLocal } from "../test-support/dynamodb-local.ts";
import {
  FAKE_ROUTING_ENDPOINT,
  mockCloudFrontTenants,
  recordingRouteTable,
} from "../test-support/fake-cloudfront-tenants.ts";
import { createTenantDomainEdge, tenantName } from "./tenant-domain-edge.ts";

// Custom domains on the AWS target, through the API the CLI and dashboard call and the steps
// Lambda SQS feeds: state in DynamoDB Local, CloudFront SaaS Manager at the SDK (a stateful fake
// on aws-sdk-client-mock), the step queue in memory with a clock the test moves (no sleeps).
const TOKEN = "t".repeat(48);
const HOST = "shop.example.com";

let local: DynamoDbLocal;
beforeAll(async () => {
  local = await startDynamoDbLocal();
}, 120_000);
afterAll(async () => {
  await local?.stop();
});

let clock: number;
let queue: MemoryQueue;
let cloudfront: ReturnType<typeof mockCloudFrontTenants>;
let routes: ReturnType<typeof recordingRouteTable>;
let deps: CoreDeps;
let tableName: string;
let projectId: string;
const logged: string[] = [];

beforeEach(async () => {
  clock = Date.parse("2026-12-01T03:00:00Z");
  tableName = await local.createStoreTable();
  const store = createDynamoStore({ tableName, client: local.client });
  queue = createMemoryQueue({ now: () => clock });
  cloudfront = mockCloudFrontTenants();
  routes = recordingRouteTable();
  deps = {
    store,
    queue,
    blobs: createMemoryBlobStore(),
    logs: createMemoryLogStore(),
    secrets: createMemorySecrets(),
    builder: createMemoryBuilder(),
    buildCache: createMemoryBuildCache(),
    deployer: createMemoryDeployer(),
    git: createMemoryGitRemote(),
    statusReporter: null,
    urls: {
      hostname: (l) => `${l}.sites.example.test`,
      url: (h) => `https://${h}`,
      apiUrl: "https://api.example.test",
    },
    settings: { retainDeployments: 10 },
    domainEdge: createTenantDomainEdge({
      client: { region: "us-east-1" },
      distributionId: "EMULTI",
      connectionGroupId: "cg_1",
      store,
      routes,
    }),
  };
  await store.tokens.create({
    id: newId(),
    name: "admin",
    tokenHash: hashToken(TOKEN),
    createdAt: nowIso(),
    ...ADMIN_TOKEN_SCOPE,
  });
  const p = project({ name: "shop" });
  await store.projects.create(p);
  projectId = p.id;
  await store.aliases.set({
    hostname: "shop.sites.example.test",
    projectId,
    deploymentId: "dep-1",
    kind: "production",
  });
});

afterEach(async () => {
  cloudfront.restore();
  await local.deleteTable(tableName);
});

async function api(method: string, path: string, body?: unknown) {
  const response = await createApi(deps).request(`/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** What SQS and the steps Lambda do: every message due now, delivered `times` times, then deleted. */
async function deliverDue(times = 1): Promise<number> {
  const handler = createStepsHandler(deps, { buildProjectName: "slipway-build", log: (line) => logged.push(line) });
  let delivered = 0;
  for (let job = await queue.claim(60_000); job; job = await queue.claim(60_000)) {
    const record = { messageId: job.id, body: JSON.stringify({ type: job.type, payload: job.payload }) };
    const event: SqsEvent = { Records: Array.from({ length: times }, () => record) };
    const { batchItemFailures } = await handler(event);
    expect(batchItemFailures).toEqual([]);
    await queue.complete(job.receipt);
    delivered++;
  }
  return delivered;
}

/** Time passes: SQS's delays run out. */
const later = (ms = 10 * 60_000) => {
  clock += ms;
};

const domain = async () => (await api("GET", `/domains/${HOST}`)).json;
const certificateRequests = () =>
  cloudfront.mock
    .commandCalls(UpdateDistributionTenantCommand)
    .filter((c) => c.args[0].input.ManagedCertificateRequest);

describe("custom domains on AWS (CloudFront tenant per site, managed certificate)", () => {
  it("add shows CloudFront's CNAME; verify gives CloudFront's reason, then passes; issuing is polled by steps to active and routed to production", async () => {
    const added = await api("POST", "/domains", { hostname: HOST, project: "shop" });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({
      status: "pending",
      records: [{ type: "CNAME", name: HOST, value: FAKE_ROUTING_ENDPOINT }],
      ownershipRequired: false,
    });

    const notYet = await api("POST", `/domains/${HOST}/verify`);
    expect(notYet.json).toMatchObject({ verified: false, status: "pending" });
    expect(notYet.json.reason).toBe(
      `CloudFront: invalid-configuration: The DNS record for ${HOST} does not point to ${FAKE_ROUTING_ENDPOINT}`,
    );
    expect(await queue.pending()).toBe(0);

    cloudfront.point(HOST);
    const ok = await api("POST", `/domains/${HOST}/verify`);
    expect(ok.json).toMatchObject({ verified: true, status: "verified", reason: null });

    expect(await deliverDue()).toBe(1);
    expect(await domain()).toMatchObject({ status: "issuing" });
    expect(certificateRequests()).toHaveLength(1);

    // Not yet due: the poll waits for its delay, then finds CloudFront still validating.
    expect(await deliverDue()).toBe(0);
    later();
    expect(await deliverDue()).toBe(1);
    expect(await domain()).toMatchObject({
      status: "issuing",
      reason: "CloudFront's managed certificate is pending-validation",
    });
    expect(routes.hosts.has(HOST)).toBe(false);

    cloudfront.issue(tenantName(projectId));
    later();
    expect(await deliverDue()).toBe(1);
    expect(await domain()).toMatchObject({ status: "active", reason: null, nextAttemptAt: null });
    expect(routes.hosts.get(HOST)).toEqual({ deploymentId: "dep-1" });
    // Active ends the polling.
    later();
    expect(await deliverDue()).toBe(0);
  });

  it("a certificate CloudFront gives up on fails with its reason; verify starts a new one", async () => {
    await api("POST", "/domains", { hostname: HOST, project: "shop" });
    cloudfront.point(HOST);
    await api("POST", `/domains/${HOST}/verify`);
    await deliverDue();
    cloudfront.failCertificate(tenantName(projectId));
    later();
    await deliverDue();
    const failed = await domain();
    expect(failed.status).toBe("failed");
    expect(failed.reason).toMatch(
      /^certificate failed: CloudFront's managed certificate is validation-timed-out; fix DNS/,
    );

    expect((await api("POST", `/domains/${HOST}/verify`)).json).toMatchObject({ verified: true, status: "verified" });
    await deliverDue();
    expect(await domain()).toMatchObject({ status: "issuing" });
    expect(certificateRequests()).toHaveLength(2);
  });

  it("a message delivered twice starts one certificate and one chain of polls", async () => {
    await api("POST", "/domains", { hostname: HOST, project: "shop" });
    cloudfront.point(HOST);
    await api("POST", `/domains/${HOST}/verify`);
    expect(await deliverDue(2)).toBe(1);
    expect(certificateRequests()).toHaveLength(1);
    expect(await queue.pending()).toBe(1);
    later();
    expect(await deliverDue(2)).toBe(1);
    expect(await queue.pending()).toBe(1);
    // And a verify repeated once verified queues nothing more.
    await api("POST", `/domains/${HOST}/verify`);
    expect(await queue.pending()).toBe(1);
  });

  it("rm takes the host off the route table and the tenant: disabled, then deleted once CloudFront deployed it", async () => {
    await api("POST", "/domains", { hostname: HOST, project: "shop" });
    cloudfront.point(HOST);
    await api("POST", `/domains/${HOST}/verify`);
    await deliverDue();
    cloudfront.issue(tenantName(projectId));
    later();
    await deliverDue();
    expect(routes.hosts.has(HOST)).toBe(true);

    expect((await api("DELETE", `/domains/${HOST}`)).json).toEqual({ removed: HOST, project: "shop" });
    expect((await api("GET", `/domains/${HOST}`)).status).toBe(404);
    expect(await deliverDue()).toBe(1);
    expect(routes.hosts.has(HOST)).toBe(false);
    expect(cloudfront.tenant(tenantName(projectId))).toMatchObject({ Enabled: false });

    later();
    expect(await deliverDue()).toBe(1); // still deploying the disable: retried later
    cloudfront.deployAll();
    later();
    expect(await deliverDue()).toBe(1);
    expect(cloudfront.tenant(tenantName(projectId))).toBeNull();
    expect(await queue.pending()).toBe(0);
  });

  it("the provisioning message of a domain removed meanwhile does nothing", async () => {
    await api("POST", "/domains", { hostname: HOST, project: "shop" });
    cloudfront.point(HOST);
    await api("POST", `/domains/${HOST}/verify`);
    await api("DELETE", `/domains/${HOST}`);
    await queue.enqueue(PROVISION_DOMAIN_JOB, { hostname: HOST });
    later();
    await deliverDue();
    expect(certificateRequests()).toHaveLength(0);
  });
});
