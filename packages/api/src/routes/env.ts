import { developmentDotenv, listEnvVars, removeEnvVar, setEnvVars } from "@slipway/core";
import { setEnvBody as setBody } from "@slipway/core/schemas";
import { Hono } from "hono";
import { projectFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { readJson } from "../body.ts";

const NEXT_DEPLOY_NOTE =
  "Changes apply to the next deployment; running deployments keep the values they were built with.";

export function envRoutes(deps: ApiDeps) {
  return new Hono<CallerEnv>()
    .get("/:name/env", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
      return c.json(await listEnvVars(deps, project));
    })
    .post("/:name/env", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
      const { vars } = await readJson(c, setBody);
      const written = await setEnvVars(deps, project, vars);
      return c.json({
        updated: written.map((v) => ({ key: v.key, targets: v.targets, branch: v.branch, secret: v.secret })),
        note: NEXT_DEPLOY_NOTE,
      });
    })
    .delete("/:name/env/:key", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
      const branch = c.req.query("branch");
      const removed = await removeEnvVar(deps, project, c.req.param("key"), branch);
      return c.json({ removed, note: NEXT_DEPLOY_NOTE });
    })
    .get("/:name/env/pull", async (c) => {
      const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
      return c.text(await developmentDotenv(deps, project));
    });
}
