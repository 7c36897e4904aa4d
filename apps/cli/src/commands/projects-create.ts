import { defineCommand, requirePositional, requireString } from "../command.ts";

interface ProjectView {
  id: string;
  name: string;
  repo: string;
  productionBranch: string;
  nodeVersion: string;
  url: string;
  webhook: { url: string; secret: string };
}

export const projectsCreate = defineCommand({
  path: ["projects", "create"],
  summary: "Create a project from a git repository",
  usage:
    "slipway projects create NAME --repo GIT_URL [--branch main] [--root-dir D] [--install-command C] [--build-command C] [--node 20|22|24]",
  maxPositionals: 1,
  options: {
    repo: { type: "string" },
    branch: { type: "string" },
    "root-dir": { type: "string" },
    "install-command": { type: "string" },
    "build-command": { type: "string" },
    node: { type: "string" },
  },
  examples: [
    "slipway projects create shop --repo https://github.com/acme/shop.git",
    "slipway projects create shop --repo https://github.com/acme/shop.git --node 24",
  ],
  async run(ctx, { values, positionals }) {
    const name = requirePositional(positionals, 0, "A project name", this.usage);
    const api = await ctx.api();
    const project = await api.request<ProjectView>("POST", "/api/v1/projects", {
      name,
      repo: requireString(values, "repo", this.usage),
      branch: values.branch,
      rootDir: values["root-dir"],
      installCommand: values["install-command"],
      buildCommand: values["build-command"],
      nodeVersion: values.node,
    });
    if (ctx.json) {
      const { id, name: n, repo, productionBranch, nodeVersion, webhook } = project;
      ctx.printJson({ id, name: n, repo, productionBranch, nodeVersion, webhook });
    } else {
      ctx.print(
        `Created ${project.name} (production branch ${project.productionBranch}, Node.js ${project.nodeVersion}): ${project.url}`,
      );
      ctx.print(`GitHub webhook: ${project.webhook.url}`);
      ctx.print(`Webhook secret: ${project.webhook.secret}`);
      ctx.print(
        "Add it in GitHub under Settings → Webhooks, content type application/json, events push and pull_request.",
      );
    }
    return 0;
  },
});
