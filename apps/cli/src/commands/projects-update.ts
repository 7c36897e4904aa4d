import { defineCommand, requirePositional, usageError } from "../command.ts";

interface ProjectView {
  name: string;
  productionBranch: string;
  rootDir: string;
  installCommand: string | null;
  buildCommand: string | null;
  nodeVersion: string;
}

export const projectsUpdate = defineCommand({
  path: ["projects", "update"],
  summary: "Change a project's build settings (the next deployment uses them)",
  usage:
    'slipway projects update NAME [--branch B] [--root-dir D] [--install-command C] [--build-command C] [--node 20|22|24]\n  (an empty command, e.g. --build-command "", goes back to the default)',
  maxPositionals: 1,
  options: {
    branch: { type: "string" },
    "root-dir": { type: "string" },
    "install-command": { type: "string" },
    "build-command": { type: "string" },
    node: { type: "string" },
  },
  examples: ["slipway projects update shop --root-dir apps/web --build-command 'npm run build:web'"],
  async run(ctx, { values, positionals }) {
    const name = requirePositional(positionals, 0, "A project name", this.usage);
    const patch = {
      branch: values.branch,
      rootDir: values["root-dir"],
      installCommand: values["install-command"],
      buildCommand: values["build-command"],
      nodeVersion: values.node,
    };
    if (Object.values(patch).every((value) => value === undefined)) {
      throw usageError("Nothing to change: pass at least one setting.", this.usage);
    }
    const api = await ctx.api();
    const project = await api.request<ProjectView>("PATCH", `/api/v1/projects/${encodeURIComponent(name)}`, patch);
    if (ctx.json) ctx.printJson(project);
    else {
      ctx.print(`Updated ${project.name}; the next deployment builds with:`);
      ctx.print(`  production branch  ${project.productionBranch}`);
      ctx.print(`  root directory     ${project.rootDir || "(repository root)"}`);
      ctx.print(`  install command    ${project.installCommand ?? "(detected from the lockfile)"}`);
      ctx.print(`  build command      ${project.buildCommand ?? "(next build)"}`);
      ctx.print(`  Node.js            ${project.nodeVersion}`);
    }
    return 0;
  },
});
