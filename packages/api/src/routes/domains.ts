import {
  addDomain,
  findDomain,
  presentDomain,
  removeDomain,
  SlipwayError,
  type TeamRole,
  verifyDomain,
} from "@slipway/core";
import { Hono } from "hono";
import { z } from "zod";
import { projectFor, requireRole, roleIn } from "../accounts/access.ts";
import type { Caller, CallerEnv } from "../accounts/caller.ts";
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
  // Another team's domain answers like one never added (no existence leak); reads need viewer,
  // changes member.
  async function domainFor(caller: Caller, hostname: string, needed: TeamRole) {
    const found = await findDomain(deps, hostname);
    if (roleIn(caller, found.project.teamId) === null) {
      throw new SlipwayError(
        "DOMAIN_NOT_FOUND",
        `No domain "${hostname}" has been added.`,
        "See `slipway domains ls`.",
      );
    }
    requireRole(caller, found.project.teamId, needed);
    return found;
  }
  return new Hono<CallerEnv>()
    .get("/", async (c) => {
      const caller = c.get("caller");
      const name = c.req.query("project");
      const projects = name
        ? [await projectFor(deps, caller, name, "viewer")]
        : (await deps.store.projects.list()).filter((project) => roleIn(caller, project.teamId) !== null);
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
      const project = await projectFor(deps, c.get("caller"), body.project, "member");
      const domain = await addDomain(deps, project, { hostname: body.hostname, redirectTo: body.redirectTo ?? null });
      return c.json(await presentDomain(deps, project, domain), 201);
    })
    .get("/:hostname", async (c) => {
      const { domain, project } = await domainFor(c.get("caller"), c.req.param("hostname"), "viewer");
      return c.json(await presentDomain(deps, project, domain));
    })
    .post("/:hostname/verify", async (c) => {
      const found = await domainFor(c.get("caller"), c.req.param("hostname"), "member");
      const { domain, outcome } = await verifyDomain(deps, found.domain);
      return c.json({ ...(await presentDomain(deps, found.project, domain)), verified: outcome.verified });
    })
    .delete("/:hostname", async (c) => {
      const { domain, project } = await domainFor(c.get("caller"), c.req.param("hostname"), "member");
      await removeDomain(deps, project, domain.hostname);
      return c.json({ removed: domain.hostname, project: project.name });
    });
}
