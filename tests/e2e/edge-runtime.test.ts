import { imageSize } from "@slipway/runtime/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo } from "./support/git.ts";
import { expectReady, startPlatform, type TestPlatform, waitForDeployment } from "./support/platform.ts";
import { pushPayload, sendWebhook } from "./support/webhook.ts";

// A cold install and next build on two cores shared with other builds can take 6+ minutes.
const BUILD_WAIT_MS = 720_000;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// Issue 17: `export const runtime = "edge"` routes (a route handler, a dynamic route handler, a
// page, a next/og image) deploy and answer through the edge, beside Node.js runtime routes.
// One real build of fixtures/edge-app.
describe("edge runtime routes and next/og", () => {
  let platform: TestPlatform;
  let deployment: { id: string; status: string; statusReason?: string | null };
  let repo: Awaited<ReturnType<typeof createFixtureRepo>>;
  let webhook: { url: string; secret: string };
  const host = "edgeapp.localhost";
  const get = (path: string) => edgeRequest(platform.edgePort, host, path);

  beforeAll(async () => {
    platform = await startPlatform();
    repo = await createFixtureRepo("edge-app");
    const created = await platform.cli(["projects", "create", "edgeapp", "--repo", repo.bare, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    webhook = created.json().webhook;
    const sent = await sendWebhook(webhook.url, {
      event: "push",
      body: JSON.stringify(pushPayload("main", repo.head())),
      secret: webhook.secret,
    });
    expect(sent.status).toBe(202);
    deployment = await waitForDeployment(platform, sent.body.deploymentId, BUILD_WAIT_MS);
  }, BUILD_WAIT_MS + 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it("builds each edge route into its own function, named in the build log", async () => {
    await expectReady(platform, deployment);
    const log = (await platform.cli(["logs", deployment.id])).stdout;
    expect(log).toContain("edge runtime: /og (app/og/route) → function edge-og");
    expect(log).toContain("edge runtime: /hello/[name] (app/hello/[name]/route) → function edge-hello-name");
  });

  it("serves /og as a PNG rendered by next/og", async () => {
    const res = await get("/og?title=Slipway");
    expect(res.status, res.text.slice(0, 500)).toBe(200);
    expect(res.headers["content-type"]).toBe("image/png");
    expect(res.body.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(imageSize(res.body)).toMatchObject({ format: "png", width: 600, height: 315 });
  });

  it("answers edge route handlers, with the query and dynamic params", async () => {
    const hello = await get("/api/edge-hello?q=42");
    expect(hello.status, hello.text).toBe(200);
    expect(JSON.parse(hello.text)).toEqual({ runtime: "string", path: "/api/edge-hello", q: "42" });
    const named = await get("/hello/b%C3%B6b?nxtPname=spoofed");
    expect(named.status, named.text).toBe(200);
    expect(named.text).toBe("hello böb from the edge runtime\n");
  });

  it("renders the edge page and still serves Node.js runtime pages from the server function", async () => {
    const edge = await get("/edge-page?name=ada");
    expect(edge.status, edge.text.slice(0, 500)).toBe(200);
    expect(edge.text).toContain("edge page says hello <!-- -->ada");
    expect(edge.text).toContain("EdgeRuntime=<!-- -->string");
    const node = await get("/node-page");
    expect(node.status).toBe(200);
    expect(node.text).toMatch(/node runtime page, node <!-- -->v\d+/);
    const home = await get("/");
    expect(home.text).toContain("edge fixture home");
  });

  it(
    "fails a build whose middleware edge routes would bypass, naming the route; production keeps serving",
    async () => {
      const sha = await repo.commit(
        "main",
        { "middleware.js": "export function middleware() {}\n" },
        "Add middleware that matches every path",
      );
      const sent = await sendWebhook(webhook.url, {
        event: "push",
        body: JSON.stringify(pushPayload("main", sha)),
        secret: webhook.secret,
      });
      const failed = await waitForDeployment(platform, sent.body.deploymentId, BUILD_WAIT_MS);
      expect(failed.status).toBe("error");
      expect(failed.statusReason).toMatch(
        /^edge runtime in app\/\S+\/(route|page): middleware would not run for \/\S*, and Slipway does not run middleware before edge runtime routes yet/,
      );
      expect((await get("/og")).headers["content-type"]).toBe("image/png");
    },
    BUILD_WAIT_MS,
  );
});
