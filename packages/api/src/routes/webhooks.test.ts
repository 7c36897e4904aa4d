import { createHmac } from "node:crypto";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { describe, expect, it } from "vitest";
import { setupApi } from "../testing/setup-api.ts";
import { WEBHOOK_BODY_LIMIT, WEBHOOK_BYTES_IN_FLIGHT } from "./webhooks.ts";

const SECRET = "whsec-test";
const CHUNK = 64 * 1024;

/**
 * A request body that produces `size` bytes of a JSON ping only when read (highWaterMark 0: no
 * read-ahead), and counts what was read. `size: Infinity` never ends. `signed: false` skips
 * computing the signature (a forged one is still read to the end before it is found out).
 */
function countedBody(size: number, { signed = true } = {}) {
  const head = new TextEncoder().encode('{"zen":"');
  const tail = new TextEncoder().encode('"}');
  const filler = new Uint8Array(CHUNK).fill(0x61);
  const counter = { read: 0 };
  const hmac = createHmac("sha256", SECRET);
  const chunkAt = (offset: number): Uint8Array => {
    if (offset === 0) return head;
    if (offset + tail.length >= size) return tail;
    return filler.subarray(0, Math.min(CHUNK, size - tail.length - offset));
  };
  // The signature is of the exact bytes the stream will produce.
  for (let offset = 0; signed && Number.isFinite(size) && offset < size; ) {
    const chunk = chunkAt(offset);
    hmac.update(chunk);
    offset += chunk.length;
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.read >= size) return controller.close();
        const chunk = chunkAt(counter.read);
        counter.read += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter, signature: `sha256=${hmac.digest("hex")}` };
}

async function setupWithProject() {
  const { app, store, deps } = await setupApi();
  const p = {
    id: "p-hooks",
    name: "hooks",
    repoUrl: "https://github.com/acme/hooks.git",
    productionBranch: "main",
    rootDir: "",
    installCommand: null,
    buildCommand: null,
    nodeVersion: "22" as const,
    repoCredentialEncrypted: null,
    webhookSecretEncrypted: await deps.secrets.encrypt(SECRET),
    teamId: null,
    createdAt: new Date().toISOString(),
  };
  await store.projects.create(p);
  const post = (projectId: string, body: ReturnType<typeof countedBody>, headers: Record<string, string>) =>
    app.request(`/api/v1/webhooks/github/${projectId}`, {
      method: "POST",
      body: body.stream,
      duplex: "half",
      headers: { "content-type": "application/json", "x-github-event": "ping", ...headers },
    } as RequestInit);
  return { app, post, projectId: p.id };
}

describe("GitHub webhooks", () => {
  it("refuses a delivery without a signature before reading its body", async () => {
    const { post, projectId } = await setupWithProject();
    const body = countedBody(Number.POSITIVE_INFINITY);
    const response = await post(projectId, body, { "x-github-delivery": "d-nosig" });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "BAD_SIGNATURE" });
    expect(body.counter.read).toBe(0);
  });

  it("answers 401 over real HTTP while the sender is still sending an endless body", async () => {
    const { app, projectId } = await setupWithProject();
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({
          port,
          host: "127.0.0.1",
          method: "POST",
          path: `/api/v1/webhooks/github/${projectId}`,
          headers: { "x-github-event": "ping", "x-github-delivery": "d-http", "transfer-encoding": "chunked" },
        });
        req.on("response", (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on("error", reject);
        req.write('{"zen":"'); // and never end it
      });
      expect(status).toBe(401);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a delivery for an unknown project before reading its body", async () => {
    const { post } = await setupWithProject();
    const body = countedBody(Number.POSITIVE_INFINITY);
    const response = await post("nope", body, { "x-github-delivery": "d-nope", "x-hub-signature-256": body.signature });
    expect(response.status).toBe(404);
    expect(body.counter.read).toBe(0);
  });

  it("verifies the HMAC over a body streamed in chunks, and dedupes by delivery id", async () => {
    const { post, projectId } = await setupWithProject();
    const send = (signature?: string) => {
      const body = countedBody(300 * 1024);
      return post(projectId, body, { "x-github-delivery": "d-1", "x-hub-signature-256": signature ?? body.signature });
    };
    const forged = await send(`sha256=${"0".repeat(64)}`);
    expect(forged.status).toBe(401);
    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ kind: "pong" });
    expect(await (await send()).json()).toEqual({ kind: "duplicate" });
  });

  it("stops reading a body that runs past its Content-Length or the 25 MB limit", async () => {
    const { post, projectId } = await setupWithProject();
    const body = countedBody(Number.POSITIVE_INFINITY);
    const response = await post(projectId, body, {
      "x-github-delivery": "d-endless",
      "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
    });
    expect(response.status).toBe(413);
    expect(body.counter.read).toBeLessThanOrEqual(WEBHOOK_BODY_LIMIT + CHUNK);
  });

  it("holds a bounded number of body bytes however many full-size deliveries arrive at once", async () => {
    const { post, projectId } = await setupWithProject();
    const size = WEBHOOK_BODY_LIMIT - 1024;
    // Forged signatures: each body is still streamed to its last byte (the HMAC is compared only
    // then), without the cost of signing 600 MB here.
    const bodies = Array.from({ length: 24 }, () => countedBody(size, { signed: false }));
    const answered = new Set<number>();
    // Bytes read from bodies whose request has not been answered yet: what the server may hold.
    let peak = 0;
    const sample = () => {
      const held = bodies.reduce((sum, b, i) => sum + (answered.has(i) ? 0 : b.counter.read), 0);
      peak = Math.max(peak, held);
    };
    const sampler = setInterval(sample, 1);
    const responses = await Promise.all(
      bodies.map(async (body, i) => {
        const response = await post(projectId, body, {
          "content-length": String(size),
          "x-github-delivery": `d-big-${i}`,
          "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
        });
        sample();
        answered.add(i);
        return response;
      }),
    );
    clearInterval(sampler);
    // Each was either read whole and checked, or turned away unread with a time to come back.
    responses.forEach((r, i) => {
      if (r.status === 503) {
        expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(bodies[i]?.counter.read).toBe(0);
      } else {
        expect(r.status).toBe(401);
        expect(bodies[i]?.counter.read).toBe(size);
      }
    });
    expect(responses.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThanOrEqual(WEBHOOK_BYTES_IN_FLIGHT);
    expect(peak).toBeGreaterThan(0);
  }, 60_000);
});
