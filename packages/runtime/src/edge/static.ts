import { constants, promises as fs } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AssetEntry, Variant } from "./asset-index.ts";
import { negotiateEncoding } from "./encoding.ts";
import { parseRange } from "./range.ts";

/** Small files are kept in memory after the first read: the static hot path then never touches disk. */
const MEMORY_FILE_LIMIT = 256 * 1024;
const MEMORY_BUDGET = 128 * 1024 * 1024;
let memoryUsed = 0;
const memory = new Map<string, Buffer>();
// The index holds regular files only; opening without following makes that hold at read time too.
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

async function bodyOf(variant: Variant): Promise<Buffer | null> {
  const cached = memory.get(variant.file);
  if (cached) return cached;
  if (variant.size > MEMORY_FILE_LIMIT || memoryUsed + variant.size > MEMORY_BUDGET) return null;
  const data = await fs.readFile(variant.file, { flag: READ_NO_FOLLOW });
  memory.set(variant.file, data);
  memoryUsed += data.length;
  return data;
}

/**
 * Serves one indexed asset: conditional GET (ETag → 304), HEAD, a single byte range (206/416),
 * and a precompressed `.br`/`.gz` sibling when the client accepts it. Resolves with status and
 * body bytes sent.
 */
export async function serveAsset(req: IncomingMessage, res: ServerResponse, entry: AssetEntry, requestId: string) {
  const hasVariants = entry.br !== null || entry.gzip !== null;
  const rangeHeader = req.headers.range;
  // Ranges address the identity representation; compressing would shift every offset.
  const encoding = rangeHeader
    ? null
    : negotiateEncoding(req.headers["accept-encoding"], { br: entry.br !== null, gzip: entry.gzip !== null });
  const variant: Variant = (encoding === "br" ? entry.br : encoding === "gzip" ? entry.gzip : null) ?? entry;
  const etag = encoding ? `${entry.etag.slice(0, -1)}-${encoding}"` : entry.etag;
  const headers: Record<string, string | number> = {
    "content-type": entry.contentType,
    "cache-control": entry.cacheControl,
    etag,
    "last-modified": entry.lastModified,
    "accept-ranges": "bytes",
    "x-request-id": requestId,
  };
  if (hasVariants) headers.vary = "Accept-Encoding";
  if (encoding) headers["content-encoding"] = encoding;

  if (matchesEtag(req.headers["if-none-match"], etag)) {
    res.writeHead(304, headers);
    res.end();
    return { status: 304, bytes: 0 };
  }
  let start = 0;
  let end = variant.size - 1;
  let status = 200;
  const range = parseRange(rangeHeader, entry.size);
  if (range === "unsatisfiable") {
    res.writeHead(416, { ...headers, "content-range": `bytes */${entry.size}` });
    res.end();
    return { status: 416, bytes: 0 };
  }
  if (range && ifRangeMatches(req.headers["if-range"] as string | undefined, etag)) {
    ({ start, end } = range);
    status = 206;
    headers["content-range"] = `bytes ${start}-${end}/${entry.size}`;
  }
  const length = Math.max(0, end - start + 1);
  headers["content-length"] = length;
  res.writeHead(status, headers);
  if (req.method === "HEAD" || length === 0) {
    res.end();
    return { status, bytes: 0 };
  }
  const data = await bodyOf(variant);
  if (data) {
    res.end(status === 206 ? data.subarray(start, end + 1) : data);
  } else {
    const handle = await fs.open(variant.file, READ_NO_FOLLOW).catch(() => null);
    if (!handle) {
      res.destroy();
      return { status, bytes: 0 };
    }
    await new Promise<void>((resolve) => {
      const stream = handle.createReadStream({ start, end });
      stream.on("error", () => {
        res.destroy();
        resolve();
      });
      stream.pipe(res);
      res.on("close", () => {
        stream.destroy();
        resolve();
      });
    });
  }
  return { status, bytes: length };
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  // Weak comparison (RFC 9110 §13.1.2): W/ prefixes do not matter for If-None-Match.
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function ifRangeMatches(header: string | undefined, etag: string): boolean {
  return header === undefined || header.trim() === etag;
}
