import fs from "node:fs";
import path from "node:path";
import type { ImageLoader } from "@opennextjs/aws/types/overrides.js";
import { assetsDir, safeJoin } from "../env.ts";

/**
 * Image loader for the local target: originals are read from the deployment's unpacked `assets/`
 * (env `SLIPWAY_ASSETS_DIR`, read-only in the sandbox) instead of S3. Only local paths come here;
 * remote `images.remotePatterns` URLs are fetched by OpenNext itself.
 */
const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

const imageLoader: ImageLoader = {
  name: "slipway-fs",
  async load(url: string) {
    const pathname = decodeURIComponent(new URL(url, "http://local").pathname);
    const file = safeJoin(assetsDir(), pathname);
    // Stat first so a missing file is a rejected promise (OpenNext answers it), not a stream error.
    await fs.promises.access(file, fs.constants.R_OK);
    return {
      body: fs.createReadStream(file),
      contentType: TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      // Next's optimizer takes max(this max-age, minimumCacheTTL) as the result's lifetime: only
      // hashed build output may live for a year; a `public/` file keeps its name across deploys.
      cacheControl: pathname.startsWith("/_next/static/")
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
    };
  },
};

export default imageLoader;
