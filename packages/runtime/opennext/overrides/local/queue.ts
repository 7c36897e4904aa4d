import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import type { Queue } from "@opennextjs/aws/types/overrides.js";
import { revalidateOrigin } from "../env.ts";

/**
 * Revalidation queue for one box: instead of SQS → revalidation function, send the revalidation
 * request straight back through Slipway's edge (env `SLIPWAY_REVALIDATE_ORIGIN`, plain HTTP on
 * localhost) with the page's original Host header, so the edge routes it to the deployment that
 * asked. Next only regenerates when `x-prerender-revalidate` carries the build's preview id.
 */
let previewModeId: string | undefined;

function readPreviewModeId(): string {
  if (previewModeId === undefined) {
    // cwd is the server bundle folder (as on Lambda); Next's manifests live in its `.next`.
    const file = path.join(process.cwd(), globalThis.monorepoPackagePath ?? "", ".next", "prerender-manifest.json");
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { preview?: { previewModeId?: string } };
    previewModeId = manifest.preview?.previewModeId ?? "";
  }
  return previewModeId;
}

/** One HEAD through the edge; the status and, for a redirect, where it points. */
function head(target: URL, host: string): Promise<{ status: number; location: string | undefined }> {
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: "HEAD",
        headers: { host, "x-prerender-revalidate": readPreviewModeId(), "x-isr": "1" },
        timeout: 30_000,
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`revalidation of ${target.pathname} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

// Next's own redirects in front of a page: trailingSlash (`/en/isr` → `/en/isr/`), then at most a
// locale or basePath one. More than that is a loop.
const MAX_REDIRECTS = 3;

const queue: Queue = {
  name: "slipway-edge",
  async send(message) {
    const { host, url } = message.MessageBody;
    const origin = revalidateOrigin();
    let target = new URL(url, origin);
    // A Pages Router data request (`/_next/data/<id>/en/isr.json`) is revalidated at its page's
    // path, which a trailingSlash app redirects: a redirect regenerates nothing, so follow it, on
    // the same edge and Host only (the Location is the app's, untrusted: never another origin).
    for (let hops = 0; ; hops++) {
      const { status, location } = await head(target, host);
      if (status >= 500) throw new Error(`revalidation of ${url} on ${host} answered ${status}`);
      if (status < 300 || status >= 400) return;
      const next = location === undefined ? null : sameSiteTarget(location, target, host);
      if (next === null || hops === MAX_REDIRECTS) {
        throw new Error(`revalidation of ${url} on ${host} was redirected to ${location ?? "nowhere"}`);
      }
      target = next;
    }
  },
};

/** The redirect's target on the edge when it stays on `host`; null when it leaves. */
function sameSiteTarget(location: string, from: URL, host: string): URL | null {
  let resolved: URL;
  try {
    resolved = new URL(location, `http://${host}${from.pathname}${from.search}`);
  } catch {
    return null;
  }
  if (resolved.host !== host) return null;
  return new URL(`${resolved.pathname}${resolved.search}`, from);
}

export default queue;
