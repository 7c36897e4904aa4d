import {
  createProject,
  presentDeployment,
  presentProject,
  requestProjectRemoval,
  rotateWebhookSecret,
  runningCanary,
  SlipwayError,
  updateProject,
} from "@slipway/core";
import { createProjectBody, updateProjectBody } from "@slipway/core/schemas";
import { Hono } from "hono";
import { projectFor, requireRole, roleIn } from "../accounts/access.ts";
import type { Caller, CallerEnv } from "../accounts/caller.ts";
import type { ApiDeps } from "../app.ts";
import { readJson } from "../body.ts";

export function projectRoutes(deps: ApiDeps) {
  return (
    new Hono<CallerEnv>()
      .post("/", async (c) => {
        const { team, ...input } = await readJson(c, createProjectBody);
        const caller = c.get("caller");
        const teamId = owningTeam(caller, team);
        requireRole(caller, teamId, "member");
        const project = await createProject(deps, { ...input, teamId });
        return c.json(await presentProject(deps, project), 201);
      })
      .get("/", async (c) => {
        const caller = c.get("caller");
        const projects = (await deps.store.projects.list()).filter((p) => roleIn(caller, p.teamId) !== null);
        // `?deployments=1` (the dashboard's sites list): each project's latest deployment, latest
        // ready production one and running canary, in this one request instead of three per project.
        if (c.req.query("deployments") !== "1") {
          return c.json(await Promise.all(projects.map((p) => presentProject(deps, p))));
        }
        return c.json(
          await Promise.all(
            projects.map(async (p) => {
              const [latest] = await deps.store.deployments.listByProject(p.id, { limit: 1 });
              const [production] = await deps.store.deployments.listByProject(p.id, {
                limit: 1,
                environment: "production",
                status: "ready",
              });
              return {
                ...(await presentProject(deps, p)),
                latestDeployment: latest ? presentDeployment(deps, p, latest) : null,
                productionDeployment: production ? presentDeployment(deps, p, production) : null,
                canary: await runningCanary(deps, p),
              };
            }),
          ),
        );
      })
      // With the running canary, if any: what `slipway deployments ls` and the dashboard show.
      .get("/:name", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "viewer");
        return c.json({ ...(await presentProject(deps, project)), canary: await runningCanary(deps, project) });
      })
      .patch("/:name", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
        const updated = await updateProject(deps, project, await readJson(c, updateProjectBody));
        return c.json(await presentProject(deps, updated));
      })
      // The old secret stops verifying at once: answered with the project and its new secret.
      .post("/:name/webhook/rotate", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "member");
        return c.json(await presentProject(deps, await rotateWebhookSecret(deps, project)));
      })
      // 202: the removal runs as a queued step (it stops builds and workers, deletes files); the
      // project answers 404 once it is done.
      .delete("/:name", async (c) => {
        const project = await projectFor(deps, c.get("caller"), c.req.param("name"), "owner");
        await requestProjectRemoval(deps, project);
        return c.json({ id: project.id, name: project.name, status: "removing" }, 202);
      })
  );
}

/**
 * The team a new project goes to: the one named, else the caller's default. The admin token may
 * name none before there are teams: the first user to sign up gets those projects.
 */
function owningTeam(caller: Caller, named: string | undefined): string | null {
  if (named !== undefined) {
    if (roleIn(caller, named) === null) {
      throw new SlipwayError(
        "TEAM_NOT_FOUND",
        `No team with id "${named}".`,
        "List your teams with `slipway teams ls`.",
      );
    }
    return named;
  }
  if (caller.kind === "admin") return null;
  if (caller.defaultTeamId === null) {
    throw new SlipwayError(
      "TEAM_NOT_FOUND",
      "You belong to no team to create the project in.",
      "Ask for an invitation.",
    );
  }
  return caller.defaultTeamId;
}
