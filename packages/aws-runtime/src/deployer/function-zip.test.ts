import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planFunctionZip } from "./function-zip.ts";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-function-zip-"));
  await fs.mkdir(path.join(dir, "node_modules/pkg"), { recursive: true });
  await fs.writeFile(path.join(dir, "index.mjs"), "export const handler = async () => ({ statusCode: 200 });\n");
  await fs.writeFile(path.join(dir, "node_modules/pkg/big.js"), Buffer.alloc(3000, 97));
  await fs.symlink("pkg/big.js", path.join(dir, "node_modules/alias.js"));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe("planFunctionZip", () => {
  it("zips every file at its path, links as links, the same bytes every time", async () => {
    const plan = await planFunctionZip(dir, "server");
    if (!plan.ok) throw new Error(plan.reason);
    const first = plan.zip();
    const zip = await bytesOf(first.stream);
    expect(first.unzippedBytes).toBe(3000 + 58);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from("PK\x03\x04", "latin1"));
    for (const name of ["index.mjs", "node_modules/pkg/big.js", "node_modules/alias.js"]) {
      expect(zip.includes(Buffer.from(name))).toBe(true);
    }
    // Compressed: 3000 repeated bytes take a few dozen.
    expect(zip.length).toBeLessThan(1000);
    expect(await bytesOf(plan.zip().stream)).toEqual(zip);
  });

  it("refuses a function over the unzipped limit before zipping, naming its size and largest files", async () => {
    const plan = await planFunctionZip(dir, "server", 2048);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.reason).toMatch(
      /^the server function is 0\.0 MB unzipped, over Lambda's 0\.0 MB limit \(largest files: node_modules\/pkg\/big\.js/,
    );
  });
});

describe("planFunctionZip on a folder that changes under it", () => {
  it("ends the zip stream with the error when a planned file is gone (never a silent short zip)", async () => {
    const gone = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-function-zip-gone-"));
    try {
      await fs.writeFile(path.join(gone, "index.mjs"), "export const handler = 1;\n");
      const plan = await planFunctionZip(gone, "server");
      if (!plan.ok) throw new Error(plan.reason);
      await fs.rm(path.join(gone, "index.mjs"));
      await expect(bytesOf(plan.zip().stream)).rejects.toThrow(/ENOENT/);
    } finally {
      await fs.rm(gone, { recursive: true, force: true });
    }
  });
});
