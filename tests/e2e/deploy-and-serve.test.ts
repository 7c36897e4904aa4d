import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { imageSize } from "@slipway/runtime/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeRequest } from "./support/edge.ts";
import { createFixtureRepo, type FixtureRepo } from "./support/git.ts";
import { expectReady, startPlatform, type TestPlatform, waitForDeployment } from "./support/platform.ts";
import { pushPayload, sendWebhook } from "./support/webhook.ts";

// The deploy path (issue 2) and serving (issue 3), end to end through the CLI, the API and the
// edge: a git push to a bare repo, a signed webhook, a real build, real HTTP.
describe("a git push becomes a live deployment", () => {
  let platform: TestPlatform;
  let repo: FixtureRepo;
  let project: { id: string; name: string; webhook: { url: string; secret: string } };
  let first: { id: string; url: string; status: string };
  const host = "fixture.localhost";
  const get = (path: string, headers: Record<string, string> = {}, h = host) =>
    edgeRequest(platform.edgePort, h, path, { headers });

  beforeAll(async () => {
    platform = await startPlatform();
    repo = await createFixtureRepo("next-app");
    const created = await platform.cli(["projects", "create", "fixture", "--repo", repo.bare, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    project = created.json();
  });

  afterAll(async () => {
    await platform?.stop();
  });

  it("prints the project with a webhook URL and a non-empty secret", () => {
    expect(project).toMatchObject({ name: "fixture", repo: repo.bare, productionBranch: "main" });
    expect(project.webhook.url).toBe(`${platform.apiUrl}/api/v1/webhooks/github/${project.id}`);
    expect(project.webhook.secret).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rejects a project name that is not a DNS label, naming it", async () => {
    const bad = await platform.cli(["projects", "create", "Bad_Name", "--repo", repo.bare, "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Bad_Name");
    expect(bad.stderr).toContain("INVALID_PROJECT_NAME");
  });

  it("queues nothing for unsigned or forged webhooks", async () => {
    const body = JSON.stringify(pushPayload("main", repo.head()));
    const unsigned = await sendWebhook(project.webhook.url, { event: "push", body, signature: null });
    const forged = await sendWebhook(project.webhook.url, { event: "push", body, secret: "not-the-secret" });
    const tampered = await sendWebhook(project.webhook.url, {
      event: "push",
      body: body.replace('"main"', '"evil"'),
      signature: (await import("node:crypto")).createHmac("sha256", project.webhook.secret).update(body).digest("hex"),
    });
    expect([unsigned.status, forged.status, tampered.status]).toEqual([401, 401, 401]);
    expect(unsigned.body.code).toBe("BAD_SIGNATURE");
    const list = await platform.cli(["deployments", "ls", "--project", "fixture", "--json"]);
    expect(list.json()).toEqual([]);
  });

  it("answers ping and ignores events it does not use", async () => {
    const ping = await sendWebhook(project.webhook.url, {
      event: "ping",
      body: '{"zen":"hi"}',
      secret: project.webhook.secret,
    });
    expect(ping).toMatchObject({ status: 200, body: { kind: "pong" } });
    const star = await sendWebhook(project.webhook.url, { event: "star", body: "{}", secret: project.webhook.secret });
    expect(star).toMatchObject({ status: 200, body: { kind: "ignored" } });
  });

  it("builds and deploys a signed push to the production branch; a replay queues nothing", async () => {
    const sha = repo.head();
    const body = JSON.stringify(pushPayload("main", sha));
    const deliveryId = "delivery-main-1";
    const sent = await sendWebhook(project.webhook.url, {
      event: "push",
      body,
      secret: project.webhook.secret,
      deliveryId,
    });
    expect(sent.status).toBe(202);
    expect(sent.body.kind).toBe("queued");
    const replay = await sendWebhook(project.webhook.url, {
      event: "push",
      body,
      secret: project.webhook.secret,
      deliveryId,
    });
    expect(replay.body).toEqual({ kind: "duplicate" });

    const followed = await platform.cli(["logs", sent.body.deploymentId, "--follow"]);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain("Ready");

    first = await waitForDeployment(platform, sent.body.deploymentId);
    await expectReady(platform, first);
    const list = (await platform.cli(["deployments", "ls", "--project", "fixture", "--json"])).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: first.id,
      status: "ready",
      environment: "production",
      url: `http://fixture-${first.id}.localhost:${platform.edgePort}`,
      commit: { sha, branch: "main" },
    });
    expect(existsSync(join(platform.dataDir, "blobs", "artifacts", `${first.id}.tar`))).toBe(true);
    const log = (await platform.cli(["logs", first.id])).stdout;
    expect(log).toMatch(/next build|Compiled/i);
  });

  it("serves the static page, SSR page and middleware through the edge", async () => {
    const home = await get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain("Static home");
    const ssr = await get("/ssr");
    expect(ssr.status).toBe(200);
    expect(ssr.text).toContain("middleware:<!-- -->yes");
    expect(ssr.headers["x-slipway-middleware"]).toBe("1");
    expect(ssr.headers["x-request-id"]).toBeTruthy();
    const again = await get("/ssr");
    expect(again.text).not.toBe(ssr.text); // rendered per request
    const redirect = await get("/old-home");
    expect(redirect.status).toBe(308);
    expect(redirect.headers.location).toMatch(/\/$/);
  });

  it("serves route handlers (GET and POST), dynamic routes and streaming", async () => {
    const hello = await get("/api/hello?x=1");
    expect(JSON.parse(hello.text)).toMatchObject({ hello: "world", method: "GET", query: { x: "1" } });
    const posted = await edgeRequest(platform.edgePort, host, "/api/hello", {
      method: "POST",
      body: "ping body",
      headers: { "content-type": "text/plain" },
    });
    expect(JSON.parse(posted.text)).toEqual({ method: "POST", received: "ping body", length: 9 });
    const item = await get("/items/42");
    expect(item.text).toContain("item:<!-- -->42");
    const stream = await get("/api/stream");
    expect(stream.text.match(/chunk \d/g)).toEqual(["chunk 0", "chunk 1", "chunk 2"]);
    // Chunks sent 300 ms apart must not arrive together.
    const times = stream.chunkTimes;
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThan(400);
  });

  it("serves public files and hashed assets from the edge with the right cache headers", async () => {
    const file = await get("/hello.txt");
    expect(file.status).toBe(200);
    expect(file.text).toBe("hello from a public file\n");
    expect(file.headers["cache-control"]).not.toContain("immutable");
    const home = await get("/");
    const chunk = /\/_next\/static\/[^"?]+\.js/.exec(home.text)?.[0];
    expect(chunk).toBeTruthy();
    const asset = await get(chunk as string, { "accept-encoding": "br, gzip" });
    expect(asset.status).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers["content-encoding"]).toBe("br");
    const etag = asset.headers.etag as string;
    expect((await get(chunk as string, { "if-none-match": etag, "accept-encoding": "br, gzip" })).status).toBe(304);
    const range = await get("/hello.txt", { range: "bytes=0-4" });
    expect(range.status).toBe(206);
    expect(range.text).toBe("hello");
    for (const path of ["/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/_next/static/../../../../etc/passwd"]) {
      const escaped = await get(path);
      expect([400, 404]).toContain(escaped.status);
      expect(escaped.text).not.toContain("root:");
    }
  });

  it("serves the ISR page from cache and regenerates it after its revalidate time", async () => {
    const generated = async () => /generated-at">(\d+)/.exec((await get("/isr")).text)?.[1];
    const before = await generated();
    expect(before).toBeTruthy();
    expect(await generated()).toBe(before);
    await new Promise((r) => setTimeout(r, 6_000));
    await generated(); // stale: served once more while it regenerates
    let after = before;
    for (let i = 0; i < 20 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await generated();
    }
    expect(after).not.toBe(before);
  });

  it("answers unknown hosts with a clear 404 page", async () => {
    const unknown = await get("/", {}, "nope.localhost");
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("nope.localhost");
  });

  it("optimizes images on the same URLs as Next.js, really resized", async () => {
    const image = await get("/_next/image?url=%2Fphoto.png&w=640&q=75", { accept: "image/webp,image/*" });
    expect(image.status).toBe(200);
    expect(image.headers["content-type"]).toBe("image/webp");
    expect(imageSize(image.body)).toEqual({ format: "webp", width: 640, height: 480 });
    expect((await get("/_next/image?url=%2Fphoto.png&w=641&q=75")).status).toBe(400);
  });

  it("keeps the first deployment's URL serving after production moves on", async () => {
    const page = await readFile(join(repo.work, "app/page.js"), "utf8");
    await repo.commit("main", { "app/page.js": page.replace("Static home", "Second home") });
    const deployed = await platform.cli(["deploy", "--project", "fixture", "--json"]);
    expect(deployed.code, deployed.stderr).toBe(0);
    const second = deployed.json();
    expect(second).toMatchObject({ status: "ready", environment: "production", commit: { branch: "main" } });
    expect((await get("/")).text).toContain("Second home");
    expect((await get("/", {}, `fixture-${first.id}.localhost`)).text).toContain("Static home");
    expect((await get("/", {}, `fixture-${second.id}.localhost`)).text).toContain("Second home");
  });

  it("ends a deployment that fails to build in error, with the reason in its log", async () => {
    const broken = await createFixtureRepo("broken-app");
    expect((await platform.cli(["projects", "create", "broken", "--repo", broken.bare, "--json"])).code).toBe(0);
    const result = await platform.cli(["deploy", "--project", "broken", "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("this-module-does-not-exist");
    const [deployment] = (await platform.cli(["deployments", "ls", "--project", "broken", "--json"])).json();
    expect(deployment).toMatchObject({ status: "error" });
    const log = (await platform.cli(["logs", deployment.id])).stdout;
    expect(log).toContain("this-module-does-not-exist");
    expect((await get("/", {}, "broken.localhost")).status).toBe(404);
    // The reason is the compiler's line, never a wrapper, and its number is its line in `slipway logs`.
    const { statusReason } = (await platform.api("GET", `/api/v1/deployments/${deployment.id}`)).body;
    expect(result.stderr).toContain(statusReason);
    expect(statusReason).toMatch(
      /^next build failed \(exit 1\): Module not found: Can't resolve '\.\/this-module-does-not-exist'.* \(log line \d+\)$/,
    );
    const line = Number(/\(log line (\d+)\)$/.exec(statusReason)?.[1]);
    expect(log.split("\n")[line - 1]).toContain("Module not found");
  });

  it("removes a project with projects rm: its URLs stop answering, its files and caches are gone", async () => {
    const deployments: Array<{ id: string }> = (
      await platform.cli(["deployments", "ls", "--project", "fixture", "--json"])
    ).json();
    expect(deployments.length).toBeGreaterThanOrEqual(2);
    const data = (...parts: string[]) => join(platform.dataDir, ...parts);
    for (const { id } of deployments) expect(existsSync(data("deployments", id))).toBe(true);
    expect(existsSync(data("build-cache", project.id))).toBe(true);

    // The CLI's stdin here is not a terminal: without --yes nothing happens.
    const refused = await platform.cli(["projects", "rm", "fixture"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--yes");
    expect((await get("/")).status).toBe(200);

    const removed = await platform.cli(["projects", "rm", "fixture", "--yes", "--json"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.json()).toEqual({ name: "fixture", status: "removed" });
    expect((await get("/")).status).toBe(404);
    for (const { id } of deployments) {
      expect((await get("/", {}, `fixture-${id}.localhost`)).status).toBe(404);
      expect(existsSync(data("deployments", id))).toBe(false);
      expect(existsSync(data("blobs", "artifacts", `${id}.tar`))).toBe(false);
    }
    expect(existsSync(data("build-cache", project.id))).toBe(false);
    const names = (await platform.cli(["projects", "ls", "--json"])).json().map((p: { name: string }) => p.name);
    expect(names).toEqual(["broken"]);
    // Removing it again names it as unknown; the name is free for a new project.
    expect((await platform.cli(["projects", "rm", "fixture", "--yes"])).stderr).toContain('No project named "fixture"');
    const again = await platform.cli(["projects", "create", "fixture", "--repo", repo.bare, "--json"]);
    expect(again.code, again.stderr).toBe(0);
  });

  it("clears every build cache with admin cache clear, reporting the bytes freed", async () => {
    const cleared = await platform.cli(["admin", "cache", "clear", "--json"]);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.json()).toMatchObject({ project: null, bytesFreed: expect.any(Number) });
    expect(readdirSync(join(platform.dataDir, "build-cache"))).toEqual([]);
  });
});
