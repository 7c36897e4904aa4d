import { gzipSync } from "node:zlib";
import { MANIFEST_FILE } from "@slipway/core";
import { Header } from "tar";

/** One raw tar entry, written as given (no path cleaning), so tests can build hostile archives. */
export interface RawEntry {
  path: string;
  type?: "File" | "Directory" | "SymbolicLink" | "Link" | "CharacterDevice" | "FIFO";
  body?: string;
  linkpath?: string;
}

/** A tar archive of exactly these entries, gzipped unless `gzip: false`. */
export function rawTar(entries: RawEntry[], options: { gzip?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? "");
    const type = entry.type ?? "File";
    const header = new Header({
      path: entry.path,
      type,
      size: type === "File" ? body.length : 0,
      mode: type === "Directory" ? 0o755 : 0o644,
      mtime: new Date(0),
      ...(entry.linkpath !== undefined ? { linkpath: entry.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block);
    blocks.push(block);
    if (type === "File" && body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return options.gzip === false ? tar : gzipSync(tar);
}

/** A manifest (version 2) for deployment `deploymentId`, the server at server-functions/default. */
export function manifestFor(deploymentId: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 2,
    deploymentId,
    buildId: "b1",
    nextVersion: "16.4.6",
    openNextVersion: "3.9.0",
    createdAt: "2026-12-01T00:00:00.000Z",
    nodeVersion: "22",
    server: { dir: "server-functions/default", entry: "index.mjs", streaming: true },
    image: null,
    functions: [],
    assets: { dir: "assets", immutablePrefixes: ["_next/static/"], precompressed: [] },
    cache: { dir: "cache" },
    envKeys: [],
    timings: {},
    ...overrides,
  });
}

/** The smallest archive that passes the checks: a manifest, the server entry and an asset. */
export function goodEntries(deploymentId: string): RawEntry[] {
  return [
    { path: MANIFEST_FILE, body: manifestFor(deploymentId) },
    { path: "server-functions/", type: "Directory" },
    { path: "server-functions/default/", type: "Directory" },
    { path: "server-functions/default/index.mjs", body: "export const handler = () => {};" },
    { path: "server-functions/default/node_modules/", type: "Directory" },
    { path: "server-functions/default/node_modules/next", type: "SymbolicLink", linkpath: "../next-real" },
    { path: "server-functions/default/next-real/", type: "Directory" },
    { path: "assets/BUILD_ID", body: "b1" },
  ];
}
