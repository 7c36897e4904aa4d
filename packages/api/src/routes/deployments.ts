import {
  cancelDeployment,
  DEPLOYMENT_STATUSES,
  deployRef,
  ENVIRONMENTS,
  envSnapshotKeys,
  presentDeployment,
  promote,
  rollback,
} from "@slipway/core";
import { Hono } from "hono";
import { z } from "zod";
import { deploymentFor, projectFor } from "../accounts/access.ts";
import type { CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { parseQuery, readJson, readOptionalJson } from "../body.ts";

export const deployBody = z.object({ ref: z.string().min(1).optional(), prod: z.boolean().optional() });
// Paging (`before`: the last id of the previous page) and filters of the deployments list.
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).optional(),
  before: z.string().min(1).optional(),
  environment: z.enum(ENVIRONMENTS).optional(),
  status: z.enum(DEPLOYMENT_STATUSES).optional(),
});
export const rollbackBody = z.object({ deploymentId: z.string().optional() });
// Optional body: without `canary` (or without a body) the deployment becomes production for all.
// The share's range is the use case's to check (its error names the value and the fix).
export const promoteBody = z.object({ canary: z.number().optional() });

export function deploymentRoutes(deps: ApiDeps) {
  return (
    new Hono<CallerEnv>()
      .post("/projects/:name/deployments", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
        const body = await readJson(c, deployBody);
        const deployment = await deployRef(deps, { project, ...body, trigger: "api" });
        return c.json(presentDeployment(deps, project, deployment), 202);
      })
      .get("/projects/:name/deployments", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
        const { limit, before, environment, status } = parseQuery(listQuery, c.req.query());
        const deployments = await deps.store.deployments.listByProject(project.id, {
          limit: Math.min(limit ?? 50, 500),
          ...(before ? { before } : {}),
          ...(environment ? { environment } : {}),
          ...(status ? { status } : {}),
        });
        return c.json(deployments.map((d) => presentDeployment(deps, project, d)));
      })
      .post("/projects/:name/rollback", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
        const { deploymentId } = await readJson(c, rollbackBody);
        const deployment = await rollback(deps, project, deploymentId);
        return c.json(presentDeployment(deps, project, deployment));
      })
      .get("/deployments/:id", async (c) => {
        const { deployment, project } = await deploymentFor(deps, c.get("caller"), c.req.param("id"), "viewer");
        return c.json(presentDeployment(deps, project, deployment));
      })
      // Keys only: a viewer may see which variables a build saw, never their values.
      .get("/deployments/:id/env", async (c) => {
        const { deployment } = await deploymentFor(deps, c.get("caller"), c.req.param("id"), "viewer");
        return c.json({ keys: await envSnapshotKeys(deps, deployment) });
      })
      .post("/deployments/:id/cancel", async (c) => {
        const { deployment, project } = await deploymentFor(deps, c.get("caller"), c.req.param("id"), "member");
        const canceled = await cancelDeployment(deps, deployment, "canceled by a user");
        return c.json(presentDeployment(deps, project, canceled));
      })
      .post("/deployments/:id/promote", async (c) => {
        const { project } = await deploymentFor(deps, c.get("caller"), c.req.param("id"), "member");
        const { canary } = await readOptionalJson(c, promoteBody);
        const deployment = await promote(deps, project, c.req.param("id"), canary === undefined ? {} : { canary });
        return c.json(presentDeployment(deps, project, deployment));
      })
  );
}
