import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import type { Queue } from "@opennextjs/aws/types/overrides.js";
import { revalidateOrigin } from "./env.ts";

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

function head(target: URL, host: string): Promise<number> {
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
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`revalidation of ${target.pathname} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

const queue: Queue = {
  name: "slipway-edge",
  async send(message) {
    const { host, url } = message.MessageBody;
    const target = new URL(url, revalidateOrigin());
    const status = await head(target, host);
    if (status >= 500) throw new Error(`revalidation of ${url} on ${host} answered ${status}`);
  },
};

export default queue;
