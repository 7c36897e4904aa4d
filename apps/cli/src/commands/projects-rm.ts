import { SlipwayError } from "@slipway/core/errors";
import { defineCommand, requirePositional } from "../command.ts";
import { confirmByTyping, isInteractive } from "../confirm.ts";

/** How long `rm` waits for the removal to finish before leaving it to run in the background. */
const WAIT_MS = 60_000;
const POLL_MS = 250;

export const projectsRm = defineCommand({
  path: ["projects", "rm"],
  summary: "Remove a project with its URLs, deployments, caches, env vars and secrets",
  usage: "slipway projects rm NAME [--yes]",
  maxPositionals: 1,
  options: { yes: { type: "boolean", short: "y" } },
  examples: ["slipway projects rm shop", "slipway projects rm shop --yes --json"],
  async run(ctx, { values, positionals }) {
    const name = requirePositional(positionals, 0, "A project name", this.usage);
    const api = await ctx.api();
    const path = `/api/v1/projects/${encodeURIComponent(name)}`;
    // Unknown names fail before any question is asked.
    await api.request("GET", path);
    if (values.yes !== true) {
      if (!isInteractive(ctx)) {
        throw new SlipwayError(
          "CONFIRMATION_REQUIRED",
          `Refusing to remove project "${name}" without confirmation: stdin is not a terminal.`,
          `Pass --yes to remove it: slipway projects rm ${name} --yes`,
        );
      }
      ctx.stderr.write(
        `This removes project ${name}: its URLs stop answering, and its deployments, build caches, env vars and secrets are deleted.\n`,
      );
      if (!(await confirmByTyping(ctx, `Type the project's name (${name}) to confirm:`, name))) {
        ctx.stderr.write("Not removed.\n");
        return 1;
      }
    }
    await api.request("DELETE", path);
    const removed = await waitUntilGone(() => api.request("GET", path));
    if (ctx.json) ctx.printJson({ name, status: removed ? "removed" : "removing" });
    else if (removed) ctx.print(`Removed ${name}.`);
    else ctx.print(`Removing ${name}: it goes on in the background (\`slipway projects ls\` shows it until done).`);
    return 0;
  },
});

/** Polls until the project answers PROJECT_NOT_FOUND; false when it is still there at the deadline. */
async function waitUntilGone(get: () => Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await get();
    } catch (error) {
      if (error instanceof SlipwayError && error.code === "PROJECT_NOT_FOUND") return true;
      throw error;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
