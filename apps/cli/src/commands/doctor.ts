import { resolve } from "node:path";
import { defineCommand } from "../command.ts";
import { loadPlatform } from "../platform.ts";

export const doctor = defineCommand({
  path: ["doctor"],
  summary: "Check this machine's prerequisites (bubblewrap, namespaces, cgroups, git, Node, data dir)",
  usage: "slipway doctor [--data-dir .slipway] [--json]",
  maxPositionals: 0,
  options: { "data-dir": { type: "string" } },
  examples: ["slipway doctor", "slipway doctor --json | jq '.checks[] | select(.status != \"ok\")'"],
  async run(ctx, { values }) {
    // Imported here like `up`: the rest of the CLI never loads the platform.
    const { diagnose } = await loadPlatform();
    const dataDir = resolve((values["data-dir"] as string | undefined) ?? ctx.env.SLIPWAY_DATA_DIR ?? ".slipway");
    const checks = diagnose({ dataDir, env: ctx.env });
    const ok = checks.every((c) => c.status !== "fail");
    if (ctx.json) ctx.printJson({ ok, checks });
    else {
      const width = Math.max(...checks.map((c) => c.name.length));
      for (const check of checks) {
        ctx.print(`${check.status.padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}`);
        if (check.fix) ctx.print(`${" ".repeat(width + 8)}fix: ${check.fix}`);
      }
      const problems = checks.filter((c) => c.status !== "ok").length;
      ctx.print(
        ok
          ? `\n${problems === 0 ? "All good." : `Ready, with ${problems} warning(s).`}`
          : "\nNot ready: fix the failures above.",
      );
    }
    return ok ? 0 : 1;
  },
});
