import { defineCommand } from "../command.ts";

export const adminCacheClear = defineCommand({
  path: ["admin", "cache", "clear"],
  summary: "Clear build caches (node_modules, .next/cache, package manager stores), of one project or all",
  usage: "slipway admin cache clear [--project NAME]",
  maxPositionals: 0,
  options: { project: { type: "string", short: "p" } },
  async run(ctx, { values }) {
    const project = typeof values.project === "string" ? values.project : undefined;
    const result = await (await ctx.api()).request<{ project: string | null; bytesFreed: number }>(
      "POST",
      "/api/v1/admin/cache/clear",
      project === undefined ? {} : { project },
    );
    if (ctx.json) ctx.printJson(result);
    else
      ctx.print(
        `Cleared the build caches of ${result.project ?? "every project"}: ${formatBytes(result.bytesFreed)} freed. The next build installs from scratch.`,
      );
    return 0;
  },
});

export function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
