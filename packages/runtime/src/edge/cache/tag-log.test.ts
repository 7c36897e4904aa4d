import nodeFs, { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTagLog } from "./tag-log.ts";

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "slipway-tag-log-"));
});
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

const tagsDir = (id: string) => path.join(dir, id, "__tags");

/** Writes a record the way the tag cache override does: a temp file renamed into place. */
async function writeTag(id: string, name: string, record: object) {
  await fs.mkdir(tagsDir(id), { recursive: true });
  const file = path.join(tagsDir(id), `${name}.json`);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(record));
  await fs.rename(`${file}.tmp`, file);
}

describe("tag log: on-demand revalidation seen by the edge", () => {
  const pageTags = new Set(["_N_T_/layout", "_N_T_/isr/page", "_N_T_/isr"]);

  it("purges an entry whose tag was revalidated after it was stored, and only that one", async () => {
    const log = createTagLog(tagsDir);
    expect(log.check("d", 1_000, pageTags, false)).toBe("valid"); // no tag store yet
    await writeTag("d", "a", { tag: "_N_T_/isr", revalidatedAt: 2_000 });
    expect(log.check("d", 1_000, pageTags, false)).toBe("purged");
    expect(log.check("d", 3_000, pageTags, false)).toBe("valid");
    expect(log.check("d", 1_000, new Set(["_N_T_/other"]), false)).toBe("valid");
    expect(log.check("other", 1_000, pageTags, false)).toBe("valid");
  });

  it("sees a second write right after the first (same clock tick)", async () => {
    const log = createTagLog(tagsDir);
    await writeTag("d", "a", { tag: "_N_T_/x", revalidatedAt: 2_000 });
    expect(log.check("d", 1_000, pageTags, false)).toBe("valid");
    await writeTag("d", "b", { tag: "_N_T_/isr", revalidatedAt: 2_001 });
    expect(log.check("d", 1_000, pageTags, false)).toBe("purged");
  });

  it("applies a custom tag to entries whose tags are only derived from their path", async () => {
    const log = createTagLog(tagsDir);
    await writeTag("d", "c", { tag: "posts", revalidatedAt: 2_000 });
    expect(log.check("d", 1_000, pageTags, false)).toBe("purged");
    expect(log.check("d", 1_000, new Set(["other-tag"]), true)).toBe("valid");
    expect(log.check("d", 1_000, new Set(["posts"]), true)).toBe("purged");
  });

  it("makes an entry stale while the tag's expiry is ahead, and ignores malformed records", async () => {
    const log = createTagLog(tagsDir);
    await writeTag("d", "bad", { tag: "_N_T_/isr" });
    expect(log.check("d", 1_000, pageTags, false)).toBe("valid");
    await writeTag("d", "e", { tag: "_N_T_/isr", revalidatedAt: 2_000, expire: Date.now() + 60_000 });
    expect(log.check("d", 1_000, pageTags, false)).toBe("stale");
  });

  it("looks at the folder once per turn of the event loop, and again in the next turn", async () => {
    const log = createTagLog(tagsDir);
    await writeTag("d", "a", { tag: "_N_T_/x", revalidatedAt: 2_000 });
    await new Promise((r) => setTimeout(r, 150)); // past the settle time: an unchanged folder
    const stat = vi.spyOn(nodeFs, "statSync");
    try {
      for (let i = 0; i < 50; i++) expect(log.check("d", 1_000, pageTags, false)).toBe("valid");
      expect(log.check("gone", 1_000, pageTags, false)).toBe("valid"); // no folder at all
      expect(stat).toHaveBeenCalledTimes(2);
      await writeTag("d", "b", { tag: "_N_T_/isr", revalidatedAt: 2_001 });
      await new Promise((r) => setImmediate(r));
      expect(log.check("d", 1_000, pageTags, false)).toBe("purged");
      expect(log.check("gone", 1_000, pageTags, false)).toBe("valid");
      expect(stat).toHaveBeenCalledTimes(4);
    } finally {
      stat.mockRestore();
    }
  });
});
