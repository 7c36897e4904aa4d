import { promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { ZipFile } from "yazl";

/** Lambda's limit on a function's unzipped code (deployment package plus layers; we use no layers). */
export const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;
/** Fixed timestamps: the same folder always zips to the same bytes (same CodeSha256 on a retry). */
const MTIME = new Date("2000-01-01T00:00:00Z");

interface Entry {
  readonly abs: string;
  readonly rel: string;
  readonly size: number;
  readonly link: string | null;
}

export interface FunctionZip {
  readonly unzippedBytes: number;
  /** The zip, produced as it is read: files are opened one at a time, never held whole in memory. */
  readonly stream: Readable;
}

export type ZipPlan = { ok: true; zip: () => FunctionZip } | { ok: false; reason: string };

async function walk(root: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const rel of (await fs.readdir(root, { recursive: true })).sort()) {
    const abs = path.join(root, rel);
    const stat = await fs.lstat(abs);
    const zipPath = rel.split(path.sep).join("/");
    // The extraction already refused links that leave the artifact; inside the zip they stay links.
    if (stat.isSymbolicLink()) entries.push({ abs, rel: zipPath, size: 0, link: await fs.readlink(abs) });
    else if (stat.isFile()) entries.push({ abs, rel: zipPath, size: stat.size, link: null });
  }
  return entries;
}

/**
 * Plans the zip of one function folder: sizes it first, so a function Lambda would refuse is
 * named before anything is uploaded, then zips on demand (yazl opens each file when it reaches it).
 */
export async function planFunctionZip(dir: string, label: string, limit = LAMBDA_UNZIPPED_LIMIT): Promise<ZipPlan> {
  const entries = await walk(dir);
  const unzippedBytes = entries.reduce((sum, e) => sum + e.size, 0);
  if (unzippedBytes > limit) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    const biggest = [...entries].sort((a, b) => b.size - a.size).slice(0, 3);
    return {
      ok: false,
      reason:
        `the ${label} function is ${mb(unzippedBytes)} unzipped, over Lambda's ${mb(limit)} limit ` +
        `(largest files: ${biggest.map((e) => `${e.rel} ${mb(e.size)}`).join(", ")}); ` +
        "trim dependencies the server does not need (outputFileTracingExcludes in next.config)",
    };
  }
  return {
    ok: true,
    zip: () => {
      const zip = new ZipFile();
      for (const e of entries) {
        if (e.link !== null) {
          zip.addBuffer(Buffer.from(e.link), e.rel, { mtime: MTIME, mode: 0o120777, compress: false });
        } else {
          // Lambda runs the code as another user: files must be world-readable.
          zip.addFile(e.abs, e.rel, { mtime: MTIME, mode: 0o100644 });
        }
      }
      const stream = zip.outputStream as Readable;
      // yazl reports a file it cannot read on the ZipFile, not on its output: end the output with it.
      zip.on("error", (error: Error) => stream.destroy(error));
      zip.end();
      return { unzippedBytes, stream };
    },
  };
}
