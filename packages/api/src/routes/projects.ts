import { createProject, getProjectByName, presentProject, requestProjectRemoval, updateProject } from "@slipway/core";
import { Hono } from "hono";
import { z } from "zod";
import type { ApiDeps } from "../app.ts";
import { readJson } from "../body.ts";

const createProjectBody = z.object({
  name: z.string(),
  repo: z.string(),
  branch: z.string().optional(),
  rootDir: z.string().optional(),
  installCommand: z.string().nullable().optional(),
  buildCommand: z.string().nullable().optional(),
  // Checked by createProject, whose error names the value and the versions there are.
  nodeVersion: z.string().optional(),
});

// Strict: a misspelled field ("rootdir") is refused by name instead of silently changing nothing.
const updateProjectBody = z
  .object({
    branch: z.string().optional(),
    rootDir: z.string().optional(),
    installCommand: z.string().nullable().optional(),
    buildCommand: z.string().nullable().optional(),
    nodeVersion: z.string().optional(),
  })
  .strict();

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
      // 202: the removal runs as a queued step (it stops builds and workers, deletes files); the
      // project answers 404 once it is done.
      .delete("/:name", async (c) => {
        const project = await getProjectByName(deps, c.req.param("name"));
        await requestProjectRemoval(deps, project);
        return c.json({ id: project.id, name: project.name, status: "removing" }, 202);
      })
  );
}
