export type PackageManagerName = "npm" | "pnpm" | "yarn" | "bun";

/** A package manager's CLI as the npm registry ships it. */
export interface ToolPackage {
  /** The npm package that holds it ("pnpm", "@yarnpkg/cli-dist", "@oven/bun-linux-x64"). */
  name: string;
  version: string;
  /**
   * Commands to put on the sandbox's PATH: a JavaScript entry run by whatever `node` is first on
   * PATH there, or a native binary. Paths are inside the package.
   */
  bins: Record<string, { script: string } | { binary: string }>;
}

/** One package manager at one version: how it is obtained, installs, and where it caches. */
export interface ResolvedManager {
  name: PackageManagerName;
  /** "9.15.9"; null for npm, which is the platform Node's own. */
  version: string | null;
  /** Yarn 2+ ("berry") behaves like a different tool from Yarn 1 ("classic"). */
  flavor: "npm" | "pnpm" | "yarn-classic" | "yarn-berry" | "bun";
  /** Null for npm. */
  tool: ToolPackage | null;
  /** Corepack-style integrity from `packageManager` ("sha512.<hex>"), checked against the tarball. */
  integrity: { algorithm: string; hex: string } | null;
  /** argv of the default, lockfile-exact install. */
  installArgv: string[];
  /** Where the version came from, for the build log. */
  source: string;
}
