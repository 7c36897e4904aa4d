import { addDomain, findDomain, getProjectByName, presentDomain, removeDomain, verifyDomain } from "@slipway/core";
import { Hono } from "hono";
import { z } from "zod";
import type { ApiDeps } from "../app.ts";
import { readJson } from "../body.ts";

// Strict: a misspelled field ("redirect_to") is refused by name instead of being ignored.
export const addDomainBody = z
  .object({
    hostname: z.string().max(300),
    project: z.string().max(100),
    redirectTo: z.string().max(300).nullable().optional(),
  })
  .strict();

/**
 * Custom domains. Hostnames are unique across projects, so a domain is addressed by its hostname
 * alone (`/domains/www.example.com`); `?project=` narrows the list.
 */
export function domainRoutes(deps: ApiDeps) {
  return new Hono()
    .get("/", async (c) => {
      const name = c.req.query("project");
      const projects = name ? [await getProjectByName(deps, name)] : await deps.store.projects.list();
      const views = [];
      for (const project of projects) {
        for (const domain of await deps.store.domains.listByProject(project.id)) {
          views.push(await presentDomain(deps, project, domain));
        }
      }
      return c.json(views);
    })
    .post("/", async (c) => {
      const body = await readJson(c, addDomainBody);
      const project = await getProjectByName(deps, body.project);
      const domain = await addDomain(deps, project, { hostname: body.hostname, redirectTo: body.redirectTo ?? null });
      return c.json(await presentDomain(deps, project, domain), 201);
    })
    .get("/:hostname", async (c) => {
      const { domain, project } = await findDomain(deps, c.req.param("hostname"));
      return c.json(await presentDomain(deps, project, domain));
    })
    .post("/:hostname/verify", async (c) => {
      const found = await findDomain(deps, c.req.param("hostname"));
      const { domain, outcome } = await verifyDomain(deps, found.domain);
      return c.json({ ...(await presentDomain(deps, found.project, domain)), verified: outcome.verified });
    })
    .delete("/:hostname", async (c) => {
      const { domain, project } = await findDomain(deps, c.req.param("hostname"));
      await removeDomain(deps, project, domain.hostname);
      return c.json({ removed: domain.hostname, project: project.name });
    });
}
