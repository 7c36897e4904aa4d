import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sealRepoCredential } from "@slipway/core";
import { deployment, project } from "@slipway/core/contracts";
import { createMemoryQueue, createMemorySecrets, createMemoryStore } from "@slipway/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsStatusReporter } from "./status-reporter.ts";

// A stand-in for GitHub's REST API (as the GitRemote's tests use): records what it is sent and
// answers the documented shapes of the statuses and deployments endpoints.
const seen: Array<{ method: string; path: string; authorization: string | undefined; body: Record<string, unknown> }> =
  [];
const server = createServer(async (req, res) => {
  let raw = "";
  for await (const chunk of req) raw += chunk;
  seen.push({
    method: req.method ?? "",
    path: req.url ?? "",
    authorization: req.headers.authorization,
    body: JSON.parse(raw || "{}"),
  });
  res.writeHead(201, { "content-type": "application/json" });
  res.end(JSON.stringify(req.url?.endsWith("/deployments") ? { id: 4242 } : { id: 1 }));
});
let apiUrl: string;
beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("commit statuses on AWS", () => {
  it("reports with the project's own repository token, and keeps GitHub's deployment id on the deployment", async () => {
    const secrets = createMemorySecrets();
    const store = createMemoryStore(createMemoryQueue());
    const credential = { username: "x-access-token", password: "ghp_project_token" };
    const p = project({
      repoUrl: "https://github.com/acme/site",
      repoCredentialEncrypted: await sealRepoCredential({ secrets }, credential),
    });
    await store.projects.create(p);
    const d = deployment(p.id, { status: "ready", environment: "production" });
    await store.deployments.create(d);
    const reporter = createAwsStatusReporter({ secrets, deployments: store.deployments, apiUrl, log: () => {} });

    await reporter.report(p, d, "https://site.example.com");

    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/acme/site/statuses/${d.commit.sha}`,
      "POST /repos/acme/site/deployments",
      "POST /repos/acme/site/deployments/4242/statuses",
    ]);
    expect(seen.every((r) => r.authorization === "Bearer ghp_project_token")).toBe(true);
    expect(seen[0]?.body).toMatchObject({
      state: "success",
      target_url: "https://site.example.com",
      context: `slipway/${p.name}`,
    });
    expect((await store.deployments.get(d.id))?.statusReportId).toBe("4242");
  });

  it("sends nothing for a project without a token (the control plane keeps no platform-wide one)", async () => {
    seen.length = 0;
    const secrets = createMemorySecrets();
    const store = createMemoryStore(createMemoryQueue());
    const p = project({ repoUrl: "https://github.com/acme/open", repoCredentialEncrypted: null });
    const reporter = createAwsStatusReporter({ secrets, deployments: store.deployments, apiUrl, log: () => {} });
    await reporter.report(p, deployment(p.id, { status: "building" }), "https://x.example.com");
    expect(seen).toEqual([]);
  });
});
