import type { ImageLoader } from "@opennextjs/aws/types/overrides.js";
import { awsBackend, backendFor, once } from "./env.ts";

/**
 * Originals for the image optimizer: the unpacked `assets/` on one box (local/image-loader.ts),
 * OpenNext's S3 loader on AWS (`BUCKET_NAME`, `BUCKET_KEY_PREFIX`: the deployment's assets prefix).
 */
const backend = once(
  async (): Promise<ImageLoader> =>
    backendFor("imageLoader") === "local"
      ? (await import("./local/image-loader.ts")).default
      : awsBackend<ImageLoader>("imageLoader"),
);

const imageLoader: ImageLoader = {
  name: "slipway",
  async load(url: string) {
    return (await backend()).load(url);
  },
};

export default imageLoader;
