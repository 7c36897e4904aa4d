import {
  createProject,
  getProjectByName,
  presentProject,
  requestProjectRemoval,
  rotateWebhookSecret,
  updateProject,
} from "@slipway/core";
import { createProjectBody, updateProjectBody } from "@slipway/core/schemas";
import { Hono } from "hono";
import type { ApiDeps } from "../app.ts";
import { readJson } from "../body.ts";

export function projectRoutes(deps: ApiDeps) {
  return (
    new Hono()
      .post("/", async (c) => {
        const project = await createProject(deps, await readJson(c, createProjectBody));
        return c.json(await presentProject(deps, project), 201);
      })
      .get("/", async (c) => {
        const projects = await deps.store.projects.list();
        return c.json(await Promise.all(projects.map((p) => presentProject(deps, p))));
      })
      .get("/:name", async (c) => c.json(await presentProject(deps, await getProjectByName(deps, c.req.param("name")))))
      .patch("/:name", async (c) => {
        const project = await getProjectByName(deps, c.req.param("name"));
        const updated = await updateProject(deps, project, await readJson(c, updateProjectBody));
        return c.json(await presentProject(deps, updated));
      })
      // The old secret stops verifying at once: answered with the project and its new secret.
      .post("/:name/webhook/rotate", async (c) => {
        const project = await getProjectByName(deps, c.req.param("name"));
        return c.json(await presentProject(deps, await rotateWebhookSecret(deps, project)));
      })
      // 202: the removal runs as a queued step (it stops builds and workers, deletes files); the
      // project answers 404 once it is done.
      .delete("/:name", async (c) => {
        const project = await getProjectByName(deps, c.req.param("name"));
        await requestProjectRemoval(deps, project);
        return c.json({ id: project.id, name: project.name, status: "removing" }, 202);
      })
  );
}
