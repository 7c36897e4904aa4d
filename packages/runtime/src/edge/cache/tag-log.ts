import fs from "node:fs";
import path from "node:path";
import { loopTurn } from "../loop-turn.ts";

/**
 * The edge's view of a deployment's tag store: the files the worker's tag cache override writes
 * on `revalidateTag` / `revalidatePath` (packages/runtime/opennext/overrides/local/tag-cache.ts, one
 * `<sha256(tag)>.json` per tag under `<cacheDir>/__tags/`, each replaced by a rename).
 *
 * Checked on every hit, so a purge is seen by the very next request: one `stat` of the folder per
 * turn of the event loop while nothing changes (every hit read in that turn shares it); when its
 * mtime moves, only files with a new inode are read again. A
 * folder changed within the last moment is re-listed on the next check as well, because two
 * renames inside one kernel clock tick can leave its mtime unchanged.
 */
export interface TagRecord {
  /** Absent in records written before tags were named: such a record applies to every entry. */
  readonly tag?: string;
  readonly revalidatedAt: number;
  /** Next 16 `revalidateTag(tag, profile)`: stale (served, refreshed) until `expire`. */
  readonly expire?: number;
}

const SETTLE_MS = 100;
const MAX_RECORD_BYTES = 4096;

interface DeploymentTags {
  /** The folder's inode, mtime and ctime when last listed (numbers: compared on every hit). */
  ino: number;
  mtimeMs: number;
  ctimeMs: number;
  settled: boolean;
  files: Map<string, { ino: number; record: TagRecord | null }>;
  /** The event loop turn of the last `stat` (loop-turn.ts). */
  statTurn: number;
  /** Newest `revalidatedAt`: entries stored after it need no further look. */
  newest: number;
}

export function createTagLog(tagsDirOf: (deploymentId: string) => string) {
  const states = new Map<string, DeploymentTags>();

  function refresh(deploymentId: string): DeploymentTags {
    let state = states.get(deploymentId);
    if (!state) {
      state = { ino: -1, mtimeMs: -1, ctimeMs: -1, settled: false, files: new Map(), newest: 0, statTurn: -1 };
      states.set(deploymentId, state);
    }
    const turn = loopTurn();
    if (state.statTurn === turn && state.settled) return state;
    state.statTurn = turn;
    const dir = tagsDirOf(deploymentId);
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (!stat) {
      state.files.clear();
      state.newest = 0;
      state.ino = -1;
      state.settled = true; // no folder is a steady state too: a new one is seen next turn
      return state;
    }
    const same = stat.ino === state.ino && stat.mtimeMs === state.mtimeMs && stat.ctimeMs === state.ctimeMs;
    if (same && state.settled) return state;
    state.ino = stat.ino;
    state.mtimeMs = stat.mtimeMs;
    state.ctimeMs = stat.ctimeMs;
    state.settled = Date.now() - stat.mtimeMs > SETTLE_MS;
    const seen = new Set<string>();
    for (const name of fs.readdirSync(dir)) {
      if (!name.endsWith(".json")) continue; // temp files of a write in progress
      seen.add(name);
      const file = path.join(dir, name);
      const fileStat = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!fileStat?.isFile()) continue;
      if (state.files.get(name)?.ino === fileStat.ino) continue;
      state.files.set(name, { ino: fileStat.ino, record: readRecord(file, fileStat.size) });
    }
    for (const name of state.files.keys()) if (!seen.has(name)) state.files.delete(name);
    state.newest = 0;
    for (const { record } of state.files.values())
      if (record) state.newest = Math.max(state.newest, record.revalidatedAt);
    return state;
  }

  return {
    /**
     * What on-demand revalidation did to an entry stored at `storedAt` with `tags`: nothing,
     * made it stale (a `revalidateTag` with an expiry still ahead), or purged it. Untagged
     * records, and named tags other than Next's implicit path tags when the entry's tags are
     * only derived from its path, count too: a custom tag may be on any page.
     */
    check(deploymentId: string, storedAt: number, tags: ReadonlySet<string>, tagsKnown: boolean) {
      const state = refresh(deploymentId);
      if (state.newest <= storedAt) return "valid" as const;
      let verdict: "valid" | "stale" | "purged" = "valid";
      const now = Date.now();
      for (const { record } of state.files.values()) {
        if (!record || record.revalidatedAt <= storedAt) continue;
        const applies =
          record.tag === undefined || tags.has(record.tag) || (!tagsKnown && !record.tag.startsWith("_N_T_/"));
        if (!applies) continue;
        if (typeof record.expire === "number" && record.expire > now) verdict = "stale";
        else return "purged" as const;
      }
      return verdict;
    },
    forget(deploymentId: string): void {
      states.delete(deploymentId);
    },
  };
}

/** A record is untrusted worker output: bounded, parsed defensively, ignored when malformed. */
function readRecord(file: string, size: number): TagRecord | null {
  if (size > MAX_RECORD_BYTES) return null;
  try {
    const value = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    if (typeof value.revalidatedAt !== "number") return null;
    return {
      revalidatedAt: value.revalidatedAt,
      ...(typeof value.tag === "string" ? { tag: value.tag } : {}),
      ...(typeof value.expire === "number" ? { expire: value.expire } : {}),
    };
  } catch {
    return null;
  }
}

export type TagLog = ReturnType<typeof createTagLog>;
