import { defineCommand } from "../command.ts";
import { ago, table } from "../output.ts";

interface ProjectRow {
  name: string;
  repo: string;
  productionBranch: string;
  rootDir: string;
  nodeVersion: string;
  url: string;
  createdAt: string;
}

export const projectsLs = defineCommand({
  path: ["projects", "ls"],
  summary: "List projects",
  usage: "slipway projects ls",
  maxPositionals: 0,
  options: {},
  async run(ctx) {
    const projects = await (await ctx.api()).request<ProjectRow[]>("GET", "/api/v1/projects");
    if (ctx.json) ctx.printJson(projects);
    else if (projects.length === 0) ctx.print("No projects yet: create one with `slipway projects create`.");
    else
      ctx.print(
        table([
          ["NAME", "BRANCH", "ROOT DIR", "NODE", "URL", "REPOSITORY", "CREATED"],
          ...projects.map((p) => [
            p.name,
            p.productionBranch,
            p.rootDir || ".",
            p.nodeVersion,
            p.url,
            p.repo,
            ago(p.createdAt),
          ]),
        ]),
      );
    return 0;
  },
});
