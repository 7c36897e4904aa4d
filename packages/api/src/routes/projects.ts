import { createProject, getProjectByName, presentProject } from "@slipway/core";
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

export function projectRoutes(deps: ApiDeps) {
  return new Hono()
    .post("/", async (c) => {
      const project = await createProject(deps, await readJson(c, createProjectBody));
      return c.json(await presentProject(deps, project), 201);
    })
    .get("/", async (c) => {
      const projects = await deps.store.projects.list();
      return c.json(await Promise.all(projects.map((p) => presentProject(deps, p))));
    })
    .get("/:name", async (c) => c.json(await presentProject(deps, await getProjectByName(deps, c.req.param("name")))));
}
