import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The platform serves this app in its own process (next's request handler), so it builds to
// .next/ and runs from there; the workspace packages it imports are TypeScript sources.
const config: NextConfig = {
  transpilePackages: ["@slipway/client", "@slipway/core"],
  poweredByHeader: false,
  // The workspace root, where npm installs next: Turbopack resolves packages from there.
  turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) },
  // Lint and type checks run once for the whole repo (npm run lint, npm run typecheck).
  typescript: { ignoreBuildErrors: true },
  // The build runs once per install; writing Turbopack's cache for a rebuild cost ~30 s more.
  experimental: { turbopackFileSystemCacheForBuild: false },
};

export default config;
