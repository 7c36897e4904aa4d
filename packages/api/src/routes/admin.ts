import { getProjectByName, SlipwayError } from "@slipway/core";
import { Hono } from "hono";
import { z } from "zod";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { readJson } from "../body.ts";

const clearCacheBody = z.object({ project: z.string().optional() }).strict();

/** Maintenance of the platform itself, for the admin token. */
export function adminRoutes(deps: ApiDeps) {
  return new Hono<CallerEnv>().post("/cache/clear", async (c) => {
    if (c.get("caller").kind !== "admin") {
      throw new SlipwayError(
        "FORBIDDEN",
        "Clearing build caches is for the platform's admin token.",
        "Use the token from <data dir>/admin-token.",
      );
    }
    const { project: name } = await readJson(c, clearCacheBody);
    const project = name === undefined ? null : await getProjectByName(deps, name);
    const { bytesFreed } = await deps.buildCache.clear(project?.id ?? null);
    return c.json({ project: project?.name ?? null, bytesFreed });
  });
}
