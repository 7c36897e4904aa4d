// Builds the dashboard (next build) unless .next/ is newer than every source it is built from; the
// root `prepare` script runs this on `npm ci`, so `npm start` serves it with no extra step.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const root = join(dir, "../..");
const SOURCES = [
  join(dir, "app"),
  join(dir, "components"),
  join(dir, "lib"),
  join(dir, "proxy.ts"),
  join(dir, "next.config.ts"),
  join(dir, "package.json"),
  join(root, "packages/client/src"),
  join(root, "packages/core/src/schemas.ts"),
  join(root, "packages/core/src/domain/model.ts"),
];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = join(dir, ".next/BUILD_ID");
const fresh = existsSync(built) && statSync(built).mtimeMs > Math.max(...SOURCES.map(newest));
if (fresh && !process.argv.includes("--force")) {
  console.log("dashboard: up to date");
} else {
  const startedAt = new Date();
  const result = spawnSync(process.execPath, [join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: dir,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  // The build is as new as the sources it read: a source edited while it ran is newer.
  if (result.status === 0) utimesSync(built, startedAt, startedAt);
  process.exit(result.status ?? 1);
}
