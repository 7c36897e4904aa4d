import path from "node:path";

export interface ChildEnvInput {
  /** The build's private folders: nothing of the platform's own HOME or TMPDIR is shared. */
  homeDir: string;
  tmpDir: string;
  /** The project's package-manager cache (npm, pnpm store, yarn cache). */
  pmCacheDir: string;
  /** The build's Node.js `bin` folder: first on PATH, so `node` (and npm, pnpm, yarn through it) is the project's version. */
  nodeBinDir: string;
  /** The package manager's cache and network settings (package-managers/manager-env.ts). */
  managerEnv: Record<string, string>;
  /** Folders of the package manager's commands, after Node's bin folder on PATH. */
  toolBinDirs: string[];
  deploymentId: string;
  /** The user's variables (project env vars + system vars). */
  userEnv: Record<string, string>;
  /** Platform-level additions from options (e.g. a registry mirror or proxy). */
  extraEnv: Record<string, string>;
}

// Set by the platform after the user's values, so a project cannot point the build's cache or
// temp folders somewhere else or fake the deployment id.
const PINNED = ["HOME", "TMPDIR", "PATH", "NEXT_DEPLOYMENT_ID", "npm_config_cache"] as const;

/**
 * The build's environment, made from nothing: the platform's process.env (master key, tokens,
 * database paths) never reaches user code. The build's Node bin folder comes first on PATH so
 * `node` is the pinned release of the project's version, whatever runs it.
 */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  // The platform's Node folder after the build's: npm comes from there, and runs on the build's node.
  const platformBin = path.dirname(process.execPath);
  const pinned: Record<(typeof PINNED)[number], string> = {
    HOME: input.homeDir,
    TMPDIR: input.tmpDir,
    PATH: [input.nodeBinDir, ...input.toolBinDirs, platformBin, "/usr/local/bin", "/usr/bin", "/bin"]
      .filter(unique)
      .join(":"),
    NEXT_DEPLOYMENT_ID: input.deploymentId,
    npm_config_cache: path.join(input.pmCacheDir, "npm"),
  };
  return {
    LANG: "C.UTF-8",
    CI: "1",
    NEXT_TELEMETRY_DISABLED: "1",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    // npm finds its global npmrc (a cafile for a TLS-intercepting proxy, a registry) under the
    // prefix of the node running it; on the build's Node that is the toolchain folder, which has
    // none. The platform's npm and its global config are what builds always used.
    npm_config_globalconfig: path.join(path.dirname(platformBin), "etc", "npmrc"),
    ...input.managerEnv,
    ...input.extraEnv,
    ...input.userEnv,
    ...pinned,
  };
}

function unique(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index;
}

/** The env for git on the host: no prompts, no user or system config, no credential helpers. */
export function buildGitEnv(homeDir: string, extraEnv: Record<string, string>): Record<string, string> {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: homeDir,
    LANG: "C.UTF-8",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ASKPASS: "/bin/false",
    SSH_ASKPASS: "/bin/false",
    // Strict host keys (from /etc/ssh/ssh_known_hosts): the build's HOME is empty, so
    // "accept-new" would trust whatever answers. Deploy keys come in through gitEnv.
    GIT_SSH_COMMAND: "ssh -o BatchMode=yes",
    ...extraEnv,
  };
}
